// Warm-up handler: the shape of bench/handlers/hello.js.
res.writeHead(200, { 'content-type': 'text/plain' });
res.end('hello');
