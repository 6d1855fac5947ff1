// setHeader(name, undefined) and null: Node throws a TypeError (ERR_HTTP_INVALID_HEADER_VALUE).
const out = [];
for (const value of [undefined, null]) {
  try { res.setHeader('x-' + value, value); out.push(value + ':accepted'); } catch (e) { out.push(`${value}:${e.name}`); }
}
res.end(out.join('|'));
