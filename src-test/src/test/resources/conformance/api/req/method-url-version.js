// req.method, req.url (path and query as sent) and req.httpVersion.
// request-method: PUT
// request-path: /some/path?a=1&b=two
// request-body: x
// expect-status: 200
// expect-header: content-type: text/plain
// expect-body: PUT /some/path?a=1&b=two 1.1
res.setHeader('content-type', 'text/plain');
res.end(`${req.method} ${req.url} ${req.httpVersion}`);
