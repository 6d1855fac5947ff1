// Writes its tenant's secret to the console (before and after writeHead), then answers without it.
console.log('connecting with password ' + process.env.DB_PASSWORD);
res.writeHead(200, { 'content-type': 'text/plain' });
console.log('still ' + process.env.DB_PASSWORD);
res.end('done');
