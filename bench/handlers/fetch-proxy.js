// Fetches a local upstream and returns its body. __UPSTREAM__ is replaced by the bench with the upstream URL.
if (typeof fetch !== 'function') {
  res.writeHead(501, { 'content-type': 'text/plain' });
  res.end('fetch is not supported');
  return;
}
const upstream = await fetch('__UPSTREAM__');
const text = await upstream.text();
res.writeHead(upstream.status, { 'content-type': 'text/plain' });
res.end(text);
