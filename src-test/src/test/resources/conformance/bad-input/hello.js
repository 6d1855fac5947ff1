// Asked after every bad-input case: the node keeps serving.
res.writeHead(200, { 'content-type': 'text/plain' });
res.end('hello');
