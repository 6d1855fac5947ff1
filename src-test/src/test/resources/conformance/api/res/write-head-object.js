// res.writeHead(status, headersObject).
// expect-status: 202
// expect-header: x-one: 1
// expect-header: content-type: text/plain
// expect-body: accepted
res.writeHead(202, { 'x-one': '1', 'content-type': 'text/plain' });
res.end('accepted');
