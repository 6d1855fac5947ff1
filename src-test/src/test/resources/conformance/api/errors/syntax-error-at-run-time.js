// A SyntaxError the code throws while it runs (JSON.parse of a bad body in an 'end' listener) is an exception, not a
// compile error: the handler compiled.
// request-method: POST
// request-body: {not json
// expect-status: 500
// expect-error: exception
// expect-body-contains: SyntaxError
let body = '';
req.on('data', (chunk) => { body += chunk; });
req.on('end', () => { res.end(JSON.parse(body)); });
