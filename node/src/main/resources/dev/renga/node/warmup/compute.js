// Warm-up handler: the shape of bench/handlers/compute.js (typed arrays and integer arithmetic in a hot loop), smaller.
const data = new Uint8Array(4096);
for (let i = 0; i < data.length; i++) data[i] = (i * 31) & 0xff;
let h = 0x811c9dc5;
for (let round = 0; round < 4; round++) {
  for (let i = 0; i < data.length; i++) {
    h ^= data[i];
    h = Math.imul(h, 0x01000193) >>> 0;
  }
}
res.writeHead(200, { 'content-type': 'text/plain' });
res.end(h.toString(16));
