// Requests to one handler: /loop never ends; /block sits in host code; any other streams a first chunk at once (so
// the caller knows it runs), waits on a timer, then ends.
if (req.url === '/loop') {
  for (;;) {}
}
if (req.url === '/block') {
  __rengaBlockHost(6000);
}
res.write('started ');
setTimeout(() => res.end('waited ' + req.url), Number(req.headers['x-wait'] || 0));
