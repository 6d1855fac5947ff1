// Logs before the head is sent, after it, and after end: x-haiku-console returns what the mode asks for.
console.log('before head');
res.setHeader('content-type', 'text/plain');
res.write('body part\n');
setTimeout(() => {
  console.log('after head', req.headers['x-haiku-console'] === undefined ? 'mode hidden' : 'mode visible');
  res.end('end\n');
  console.log('after end');
}, 50);
