// Echoes the request back as JSON: method, url, headers and body.
const body = await req.text();
res.setHeader('content-type', 'application/json');
res.end(JSON.stringify({ method: req.method, url: req.url, headers: req.headers, body }, null, 2) + '\n');
