// require('events'): EventEmitter (the module itself), once, events.once, an unhandled 'error' throws.
// expect-status: 200
// expect-body: on:1,once:1,on:2|count=1|awaited=7|error-thrown=boom
const EventEmitter = require('events');
const seen = [];
const emitter = new EventEmitter();
emitter.on('x', (v) => seen.push('on:' + v));
emitter.once('x', (v) => seen.push('once:' + v));
emitter.emit('x', 1);
emitter.emit('x', 2);
const later = new EventEmitter();
setTimeout(() => later.emit('ready', 7), 5);
const [value] = await EventEmitter.once(later, 'ready');
let thrown;
try { new EventEmitter().emit('error', new Error('boom')); } catch (e) { thrown = e.message; }
res.end(`${seen}|count=${emitter.listenerCount('x')}|awaited=${value}|error-thrown=${thrown}`);
