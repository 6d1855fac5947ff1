// Density: holds the request for __WAIT_MS__ ms on a timer, then answers.
setTimeout(() => {
  res.writeHead(200, { 'content-type': 'text/plain' });
  res.end('waited');
}, __WAIT_MS__);
