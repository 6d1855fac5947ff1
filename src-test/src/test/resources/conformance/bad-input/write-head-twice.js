// writeHead twice, uncaught.
res.writeHead(200, { 'x-first': '1' });
res.writeHead(201, { 'x-second': '2' });
res.end('twice');
