res.writeHead(200, { 'content-type': 'text/plain' });
res.end('hello');
