// Echoes the request back as JSON: method, url, headers and body (and logs one line, for x-haiku-console).
const body = await req.text();
console.log('echo: %s %s with %d bytes', req.method, req.url, body.length);
res.setHeader('content-type', 'application/json');
res.end(JSON.stringify({ method: req.method, url: req.url, headers: req.headers, body }, null, 2) + '\n');
