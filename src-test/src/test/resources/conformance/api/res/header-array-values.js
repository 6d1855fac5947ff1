// setHeader(name, [values]): one header line per value.
// expect-status: 200
// expect-header: set-cookie: a=1
// expect-header: set-cookie: b=2
// expect-header: x-list: one
// expect-header: x-list: two
// expect-body: cookies
res.setHeader('set-cookie', ['a=1', 'b=2']);
res.writeHead(200, { 'x-list': ['one', 'two'] });
res.end('cookies');
