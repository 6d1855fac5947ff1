// Two kinds of request to one handler: /loop never ends; any other waits on a timer, then answers.
if (req.url === '/loop') {
  for (;;) {}
}
if (req.url === '/block') {
  __rengaBlockHost(6000);
}
setTimeout(() => res.end('waited ' + req.url), Number(req.headers['x-wait'] || 0));
