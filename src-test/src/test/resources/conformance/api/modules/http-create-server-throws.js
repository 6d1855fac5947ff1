// require('http'/'https'): client side only; createServer throws.
// expect-status: 200
// expect-body: http:threw|https:threw|https.request=function|https.get=function
const out = [];
for (const name of ['http', 'https']) {
  try { require(name).createServer(() => {}); out.push(name + ':listening?'); } catch (e) { out.push(name + ':threw'); }
}
const https = require('https');
out.push('https.request=' + typeof https.request, 'https.get=' + typeof https.get);
res.end(out.join('|'));
