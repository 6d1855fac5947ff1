// atob / btoa on binary strings.
// expect-status: 200
// expect-body: aGk=|hi
res.end(`${btoa('hi')}|${atob('aGk=')}`);
