// Writes its tenant's secret in pieces, over two console calls before writeHead and two after it, then answers
// without it.
const secret = process.env.DB_PASSWORD;
console.log('password: ' + secret.slice(0, 3));
console.log(secret.slice(3) + ' (split)');
res.writeHead(200, { 'content-type': 'text/plain' });
console.log('again ' + secret.slice(0, 5));
console.log(secret.slice(5));
res.end('done');
