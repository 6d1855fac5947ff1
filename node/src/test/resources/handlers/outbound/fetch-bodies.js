// Reads /text, /json and /bytes from the upstream (?upstream=URL) as text, JSON and an ArrayBuffer.
const upstream = decodeURIComponent(/[?&]upstream=([^&]*)/.exec(req.url)[1]);
const text = await fetch(upstream + '/text');
const json = await (await fetch(upstream + '/json')).json();
const buffer = await (await fetch(new String(upstream + '/bytes'))).arrayBuffer();
const bytes = new Uint8Array(buffer);
res.setHeader('content-type', 'application/json');
res.end(JSON.stringify({
  status: text.status,
  ok: text.ok,
  statusText: text.statusText,
  contentType: text.headers.get('Content-Type'),
  upstreamHeader: text.headers.get('x-upstream'),
  missing: text.headers.get('x-missing'),
  url: text.url,
  redirected: text.redirected,
  text: await text.text(),
  bodyUsed: text.bodyUsed,
  json,
  isArrayBuffer: buffer instanceof ArrayBuffer,
  length: bytes.length,
  first: bytes[0],
  last: bytes[255],
}));
