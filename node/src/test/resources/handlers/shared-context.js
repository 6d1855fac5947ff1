// Requests to one handler: /loop never ends; /spin holds its context for 20 ms, then answers; /block streams a first chunk, then sits in host code; any other streams a
// first chunk at once (so the caller knows it runs), waits on a timer, then ends.
if (req.url === '/loop') {
  for (;;) {}
}
if (req.url === '/spin') {
  // Holds the context for a while, then answers in the same turn.
  const until = Date.now() + 20;
  while (Date.now() < until) {}
  res.end('spun');
  return;
}
res.write('started ');
if (req.url === '/block') {
  // Streams its first chunk (so the caller knows it runs), then sits in host code in a turn of its own.
  setTimeout(() => __rengaBlockHost(12000), 0);
  return;
}
setTimeout(() => res.end('waited ' + req.url), Number(req.headers['x-wait'] || 0));
