// Web globals: each result is compared by the test with what Node gives.
const url = new URL('../b/c.js?x=1&y=%20two#frag', 'https://User:pw@Example.COM:443/a/index.html');
const params = new URLSearchParams('a=1&b=x+y&a=2');
params.append('c', 'é&=');
const encoded = new TextEncoder().encode('héllo');
const bytes = new Uint8Array(4);
crypto.getRandomValues(bytes);
res.setHeader('content-type', 'application/json');
res.end(JSON.stringify({
  href: url.href,
  origin: url.origin,
  host: url.host,
  pathname: url.pathname,
  search: url.search,
  hash: url.hash,
  x: url.searchParams.get('x'),
  y: url.searchParams.get('y'),
  username: url.username,
  relative: new URL('/p/../q?z', 'http://h.test:8080/a/b').href,
  invalid: (() => { try { new URL('no scheme'); return 'parsed'; } catch (e) { return e.name + ':' + e.code; } })(),
  params: params.toString(),
  all: params.getAll('a'),
  textEncoder: Array.from(encoded),
  textDecoder: new TextDecoder().decode(encoded),
  atob: atob('aGVsbG8='),
  btoa: btoa('hello'),
  uuid: /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(crypto.randomUUID()),
  randomFilled: bytes.length === 4,
  bufferIsUint8Array: Buffer.from('x') instanceof Uint8Array,
  bufferGlobalIsRequireBuffer: Buffer === require('buffer').Buffer,
}));
