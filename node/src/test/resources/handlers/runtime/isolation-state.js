// What one request leaves behind must be invisible to the next.
const seen = {
  global: typeof globalThis.leftBehind,
  proto: typeof ({}).polluted,
  arrayProto: typeof [].polluted,
  bufferProto: typeof Buffer.prototype.polluted,
  urlPatched: typeof URL.patched,
  moduleState: require('./lib/counter.js').increment(),
  jsonMutated: require('./lib/data.json').mutated === undefined ? 'clean' : 'mutated',
};
globalThis.leftBehind = 'tenant A was here';
Object.prototype.polluted = 'yes';
Array.prototype.polluted = 'yes';
Buffer.prototype.polluted = 'yes';
URL.patched = true;
require('./lib/data.json').mutated = true;
res.end(JSON.stringify(seen));
