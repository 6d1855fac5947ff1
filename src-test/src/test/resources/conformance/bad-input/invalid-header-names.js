// Header names and values that are not valid HTTP (Node throws ERR_INVALID_HTTP_TOKEN / ERR_INVALID_CHAR):
// the handler catches what throws and reports what was accepted.
const out = [];
for (const [name, value] of [['bad header', 'x'], ['x-a\r\nInjected-Name', 'y'], ['x-b', 'a\r\nInjected-Value: yes'],
  ['', 'empty'], ['x-é', 'non-ascii name'], ['x-c', 'nul\u0000char']]) {
  try { res.setHeader(name, value); out.push(JSON.stringify(name) + ':accepted'); } catch (e) { out.push(JSON.stringify(name) + ':' + e.name); }
}
res.end(out.join('|'));
