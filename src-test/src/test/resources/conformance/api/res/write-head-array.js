// res.writeHead(status, [name, value, name, value, ...]): headers as a flat array.
// expect-status: 200
// expect-header: x-one: 1
// expect-header: x-two: 2
// expect-header: content-type: text/csv
// expect-body: a,b
res.writeHead(200, ['x-one', '1', 'x-two', '2', 'content-type', 'text/csv']);
res.end('a,b');
