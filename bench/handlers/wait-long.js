// Density's big step: holds the request until the moment the client names in x-bench-until (the same for every
// request: past the end of the opening, so that all of them wait at once), __WAIT_MS__ ms at most, then answers.
const until = Number(req.headers['x-bench-until']) || 0;
setTimeout(() => {
  res.writeHead(200, { 'content-type': 'text/plain' });
  res.end('waited');
}, Math.max(0, Math.min(until - Date.now(), __WAIT_MS__)));
