// x-haiku-console is also accepted as a query parameter (and hidden from the handler).
// request-path: /c?keep=1&x-haiku-console=body
// expect-status: 200
// expect-body: url=/c?keep=1\n
console.log('url=' + req.url);
res.end('the handler body, replaced');
