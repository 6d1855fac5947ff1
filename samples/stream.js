// Writes, waits ?ms= (default 1000), writes again and ends: the first chunk is streamed before the second exists.
const ms = Number((/[?&]ms=(\d+)/.exec(req.url) || [])[1] || 1000);
res.setHeader('content-type', 'text/plain');
res.write('first\n');
setTimeout(() => {
  res.write('second\n');
  res.end('done\n');
}, ms);
