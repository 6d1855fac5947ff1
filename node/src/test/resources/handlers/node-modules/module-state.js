// One request's changes to built-in modules are not seen by the next (run twice): defaultMaxListeners, an added
// property, a replaced method, process listeners. Under `scope` the frozen modules refuse the added property and
// the replaced method, and defaultMaxListeners and process listeners are the request's own.
// expect-status: 200
// repeat: 2
// expect-body: 10|undefined|function|0
const events = require('events');
const out = [String(events.defaultMaxListeners), String(require('stream').leaked), typeof require('util').format('%s', 'x') === 'string' ? 'function' : 'replaced', String(process.listenerCount('custom'))];
events.defaultMaxListeners = 1;
process.on('custom', () => {});
try { require('stream').leaked = 'yes'; } catch (e) { /* frozen under scope */ }
try { require('util').format = () => 42; } catch (e) { /* frozen under scope */ }
res.end(out.join('|'));
