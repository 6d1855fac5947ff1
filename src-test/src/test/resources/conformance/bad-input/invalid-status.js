// A status code outside 100-999 set through statusCode (writeHead checks it; statusCode alone is not checked).
res.statusCode = Number(req.url.split('=')[1]);
res.end('status ' + res.statusCode);
