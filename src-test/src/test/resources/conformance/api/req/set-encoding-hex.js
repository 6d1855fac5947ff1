// req.setEncoding('hex'): chunks become strings in that encoding.
// request-method: POST
// request-body: AB
// expect-status: 200
// expect-body: string 4142
req.setEncoding('hex');
let body = '';
let type;
req.on('data', (chunk) => { type = typeof chunk; body += chunk; });
req.on('end', () => res.end(`${type} ${body}`));
