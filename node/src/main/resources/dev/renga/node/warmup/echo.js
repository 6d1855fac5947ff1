// Warm-up handler: the shape of bench/handlers/echo.js (Node-style body events).
let body = '';
req.setEncoding('utf8');
req.on('data', (chunk) => { body += chunk; });
req.on('end', () => {
  res.writeHead(200, { 'content-type': 'application/octet-stream' });
  res.end(body);
});
