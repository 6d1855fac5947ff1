// require('assert'): passing assertions are silent; failing ones throw AssertionError (code ERR_ASSERTION).
// expect-status: 200
// expect-body: passed|AssertionError:ERR_ASSERTION|AssertionError:ERR_ASSERTION|throws-ok
const assert = require('assert');
const out = [];
assert.strictEqual(1, 1);
assert.deepStrictEqual({ a: [1, { b: 2 }] }, { a: [1, { b: 2 }] });
assert(true);
out.push('passed');
for (const failing of [() => assert.strictEqual(1, '1'), () => assert.deepStrictEqual({ a: 1 }, { a: '1' })]) {
  try { failing(); out.push('no throw'); } catch (e) { out.push(`${e.name}:${e.code}`); }
}
assert.throws(() => { throw new TypeError('t'); }, TypeError);
out.push('throws-ok');
res.end(out.join('|'));
