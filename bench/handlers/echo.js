// Node-style body events, so the same source runs on Renga, Node and the workerd shim.
let body = '';
req.setEncoding('utf8');
req.on('data', (chunk) => { body += chunk; });
req.on('end', () => {
  res.writeHead(200, { 'content-type': 'application/octet-stream' });
  res.end(body);
});
