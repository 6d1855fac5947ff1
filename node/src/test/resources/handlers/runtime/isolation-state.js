// What one request leaves behind must be invisible to the next. Each write is tried on its own: under isolation
// `context` it succeeds in this request's own realm, under `scope` the frozen realm refuses it (TypeError), except for
// the built-in modules' exports (Buffer, URL): every request has its own instances of those, in both levels. V8's
// error hooks are accepted in both levels, as the request's own values.
const seen = {
  global: typeof globalThis.leftBehind,
  proto: typeof ({}).polluted,
  arrayProto: typeof [].polluted,
  bufferProto: typeof Buffer.prototype.polluted,
  urlPatched: typeof URL.patched,
  moduleState: require('./lib/counter.js').increment(),
  jsonMutated: require('./lib/data.json').mutated === undefined ? 'clean' : 'mutated',
  regexpStatic: RegExp.$1 === 'secret-of-a' ? 'leaked' : 'clean',
  stackTraceLimit: String(Error.stackTraceLimit),
  prepareStackTrace: typeof Error.prepareStackTrace,
  console: console.log === globalThis.console.log ? 'own' : 'replaced',
};
const attempt = (write) => {
  try {
    write();
    return 'written';
  } catch (e) {
    return e instanceof TypeError ? 'refused' : 'error: ' + e;
  }
};
/(secret-of-a)/.exec('this is secret-of-a');
const writes = {
  global: attempt(() => { globalThis.leftBehind = 'tenant A was here'; }),
  proto: attempt(() => { Object.prototype.polluted = 'yes'; }),
  arrayProto: attempt(() => { Array.prototype.polluted = 'yes'; }),
  bufferProto: attempt(() => { Buffer.prototype.polluted = 'yes'; }),
  urlPatched: attempt(() => { URL.patched = true; }),
  console: attempt(() => { console.log = () => {}; }),
};
const hooks = {
  stackTraceLimit: attempt(() => { Error.stackTraceLimit = 0; }),
  prepareStackTrace: attempt(() => { Error.prepareStackTrace = () => 'tenant A'; }),
};
require('./lib/data.json').mutated = true;
res.end(JSON.stringify({ seen, writes, hooks }));
