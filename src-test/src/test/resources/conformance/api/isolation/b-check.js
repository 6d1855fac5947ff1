// Isolation: nothing a-pollute.js did is visible here.
// expect-status: 200
// expect-body: clean
const dirty = [];
if (typeof globalThis.conformanceLeak !== 'undefined') dirty.push('global');
if ({}.polluted !== undefined) dirty.push('Object.prototype');
if ([].leak !== undefined) dirty.push('Array.prototype');
if (JSON.stringify({ a: 1 }) !== '{"a":1}') dirty.push('JSON.stringify');
if (Math.random() === 4) dirty.push('Math.random');
res.end(dirty.length === 0 ? 'clean' : 'dirty: ' + dirty.join(','));
