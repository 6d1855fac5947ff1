// One request's changes to built-in modules are not seen by the next (run three times: the same body each time). Every
// request has its own instances of the built-in modules, in both isolation levels, so the state a module keeps in its
// closure (readable-stream's default high-water mark, async_hooks' id counter, util.deprecate's warned codes,
// assert.fail's "warned" flag) is the request's own, as are the modules' exports (the global Buffer and process are
// this request's require('buffer').Buffer and require('process')), process.env, process listeners, and timers.
// expect-status: 200
// repeat: 3
// expect-body: timerId=1|maxListeners=10|added=undefined|format=own|listeners=0|highWaterMark=16384|asyncId=2|deprecationWarnings=1|assertFailWarnings=1|poolSize=8192|querystring=a%20b|env=undefined|timersAdded=undefined|globalsAreTheRequests=true
const timer = setTimeout(() => {}, 1000);
clearTimeout(timer);
const events = require('events');
const stream = require('stream');
const util = require('util');
const warnings = {};
process.on('warning', (warning) => { warnings[warning.code] = (warnings[warning.code] || 0) + 1; });
const old = util.deprecate(() => 1, 'old() is going away', 'DEP_RENGA_STATE');
old();
old();
// The vendored assert warns once about assert.fail with several arguments (DEP0094), with a flag in its closure.
const failWithArguments = () => { try { require('assert').fail(1, 2, undefined, '!='); } catch (e) { /* AssertionError */ } };
failWithArguments();
failWithArguments();
const seen = {
  timerId: Number(timer),
  maxListeners: events.defaultMaxListeners,
  added: stream.leaked,
  format: util.format('%s', 'x') === 'x' ? 'own' : 'replaced',
  listeners: process.listenerCount('custom'),
  highWaterMark: new stream.Readable().readableHighWaterMark,
  asyncId: new (require('async_hooks').AsyncResource)('state').asyncId(),
  deprecationWarnings: warnings.DEP_RENGA_STATE,
  assertFailWarnings: warnings.DEP0094,
  poolSize: Buffer.poolSize,
  querystring: require('querystring').escape('a b'),
  env: process.env.RENGA_LEFT_BEHIND,
  timersAdded: require('timers').leaked,
  globalsAreTheRequests: Buffer === require('buffer').Buffer && process === require('process') && URL === require('url').URL,
};
// What this request leaves behind; a write a module refuses (a frozen export) throws, and is simply not left.
const attempt = (write) => { try { write(); } catch (e) { if (!(e instanceof TypeError)) throw e; } };
events.defaultMaxListeners = 1;
process.on('custom', () => {});
attempt(() => { stream.leaked = 'yes'; });
attempt(() => { util.format = () => 42; });
stream.setDefaultHighWaterMark(false, 1);
attempt(() => { Buffer.poolSize = 1; });
attempt(() => { require('querystring').escape = () => 'replaced'; });
process.env.RENGA_LEFT_BEHIND = 'yes';
attempt(() => { require('timers').leaked = 'yes'; });
res.end(Object.entries(seen).map(([name, value]) => name + '=' + value).join('|'));
