// req.setEncoding('utf8') with multi-byte characters.
// request-method: POST
// request-body: héllo ✓
// expect-status: 200
// expect-body: string héllo ✓
req.setEncoding('utf8');
let body = '';
let type;
req.on('data', (chunk) => { type = typeof chunk; body += chunk; });
req.on('end', () => res.end(`${type} ${body}`));
