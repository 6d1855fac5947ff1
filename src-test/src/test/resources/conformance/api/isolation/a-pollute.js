// Isolation: this handler finds a clean context, then pollutes globals and built-in prototypes (after its response,
// so its own response is not affected). Run twice: the second run must find a clean context too; b-check.js, run
// next, checks the same.
// repeat: 2
// expect-status: 200
// expect-body: clean
const dirty = [];
if (typeof globalThis.conformanceLeak !== 'undefined') dirty.push('global');
if ({}.polluted !== undefined) dirty.push('Object.prototype');
if ([].leak !== undefined) dirty.push('Array.prototype');
if (JSON.stringify({ a: 1 }) !== '{"a":1}') dirty.push('JSON.stringify');
res.end(dirty.length === 0 ? 'clean' : 'dirty: ' + dirty.join(','));
globalThis.conformanceLeak = 'leaked';
Object.prototype.polluted = 'yes';
Array.prototype.leak = 'yes';
JSON.stringify = () => 'hijacked';
Math.random = () => 4;
