// req.on('data') delivers Buffer chunks after the handler's synchronous part, then 'end'.
// request-method: POST
// request-body: hello body
// expect-status: 200
// expect-body: sync-first buffers=true body=hello body complete=true
const order = [];
const chunks = [];
req.on('data', (chunk) => chunks.push(chunk));
req.on('end', () => {
  const buffers = chunks.every((c) => Buffer.isBuffer(c));
  res.end(`${order.join(',')} buffers=${buffers} body=${Buffer.concat(chunks).toString('utf8')} complete=${req.complete}`);
});
order.push('sync-first');
