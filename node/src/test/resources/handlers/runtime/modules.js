// The built-in modules' common functions.
const util = require('util');
const EventEmitter = require('events');
const path = require('node:path');
const querystring = require('querystring');
const assert = require('assert');
const url = require('url');
const events = [];
const emitter = new EventEmitter();
emitter.on('x', (v) => events.push('on:' + v));
emitter.once('x', (v) => events.push('once:' + v));
emitter.emit('x', 1);
emitter.emit('x', 2);
const promisified = util.promisify((a, cb) => setTimeout(() => cb(null, a * 2), 1));
const assertions = [];
for (const [name, check] of [
  ['strictEqual', () => assert.strictEqual(1, '1')],
  ['deepStrictEqual', () => assert.deepStrictEqual({ a: [1, { b: 2 }] }, { a: [1, { b: 2 }] })],
  ['deepStrictEqualFails', () => assert.deepStrictEqual({ a: 1 }, { a: '1' })],
  ['equalLoose', () => assert.equal(1, '1')],
  ['ok', () => assert(false, 'nope')],
  ['throws', () => assert.throws(() => { throw new TypeError('t'); }, TypeError)],
]) {
  try { check(); assertions.push(name + ':passed'); } catch (e) { assertions.push(name + ':' + e.name + ':' + e.code); }
}
let unhandledError;
try { new EventEmitter().emit('error', new Error('boom')); } catch (e) { unhandledError = e.message; }
const doubled = await promisified(21);
res.setHeader('content-type', 'application/json');
res.end(JSON.stringify({
  format: util.format('%s=%d %j %%', 'n', 42, { a: 1 }, 'extra'),
  inspect: util.inspect({ a: [1, 'two', { deep: { deeper: { deepest: 1 } } }], m: new Map([[1, 2]]) }),
  inspectBuffer: util.inspect(Buffer.from('hi')),
  types: [util.types.isDate(new Date()), util.types.isPromise(Promise.resolve()), util.types.isUint8Array(Buffer.alloc(1))],
  doubled,
  events,
  listenerCount: emitter.listenerCount('x'),
  unhandledError,
  join: path.join('/a/b', '../c', './d.js'),
  resolve: path.resolve('a', '/b', 'c'),
  dirname: path.dirname('/a/b/c.js'),
  basename: path.basename('/a/b/c.js', '.js'),
  extname: path.extname('x/y.tar.gz'),
  relative: path.relative('/a/b/c', '/a/d'),
  parse: querystring.parse('a=1&b=x%20y&a=2&c'),
  stringify: querystring.stringify({ a: [1, 2], b: 'x y', c: '' }),
  assertions,
  legacyParse: url.parse('http://user@host.test:81/p/a?x=1#h', true).query.x + '|' + url.parse('http://user@host.test:81/p/a?x=1#h').pathname,
  legacyResolve: url.resolve('http://a.test/b/c', '../d'),
  legacyFormat: url.format({ protocol: 'https', hostname: 'h.test', pathname: '/p', query: { q: 'a b' } }),
}));
