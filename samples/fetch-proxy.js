// Fetches the URL given as ?url= and answers with its status, content type and (text) body.
//   curl -H 'x-haiku-handler: http://127.0.0.1:8000/fetch-proxy.js' \
//        'http://localhost:8080/?url=http%3A%2F%2F127.0.0.1%3A8000%2Fhello.js'
const match = /[?&]url=([^&]*)/.exec(req.url);
if (match === null) {
  res.writeHead(400, { 'content-type': 'text/plain' });
  res.end('usage: ?url=<url-encoded http(s) URL>\n');
  return;
}
try {
  const upstream = await fetch(decodeURIComponent(match[1]));
  res.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') || 'text/plain' });
  res.end(await upstream.text());
} catch (e) {
  // A denied address, a timeout or a connection error: fetch rejects with a TypeError.
  res.writeHead(502, { 'content-type': 'text/plain' });
  res.end('could not fetch: ' + e.message + '\n');
}
