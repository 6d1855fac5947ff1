// A second end() does nothing.
// expect-status: 200
// expect-body: once
res.end('once');
res.end('twice');
