const body = await req.text();
res.setHeader('content-type', 'application/json');
res.end(JSON.stringify({ method: req.method, url: req.url, headers: req.headers, body }));
