// Requests to one handler: /loop never ends; /block streams a first chunk, then sits in host code; any other streams a
// first chunk at once (so the caller knows it runs), waits on a timer, then ends.
if (req.url === '/loop') {
  for (;;) {}
}
res.write('started ');
if (req.url === '/block') {
  // Streams its first chunk (so the caller knows it runs), then sits in host code in a turn of its own.
  setTimeout(() => __rengaBlockHost(12000), 0);
  return;
}
setTimeout(() => res.end('waited ' + req.url), Number(req.headers['x-wait'] || 0));
