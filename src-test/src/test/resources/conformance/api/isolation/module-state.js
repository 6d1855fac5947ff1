// Isolation of module state: what one request writes into built-in modules (their exports, and the state they keep
// in their closures: readable-stream's default high-water mark, async_hooks' id counter, util.deprecate's warned
// codes, assert.fail's "warned" flag), into process.env and process listeners is not seen by the next request of the same handler (run three times; under
// isolation scope all three run in one handler context). The global Buffer, process and URL are the request's own
// require('buffer').Buffer, require('process') and require('url').URL.
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
