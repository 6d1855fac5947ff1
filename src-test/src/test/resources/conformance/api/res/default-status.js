// With nothing set, the status is 200 and the body is what end() got.
// expect-status: 200
// expect-body: ok
res.end('ok');
