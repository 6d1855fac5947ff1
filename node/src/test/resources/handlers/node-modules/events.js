// events: the npm EventEmitter with once() and on() (async iteration), defaultMaxListeners and a subclass.
// expect-status: 200
// expect-body: 10|once:7|on:1,2|sub:true:hi|max:2|error:boom
const EventEmitter = require('node:events');
const { once, on } = EventEmitter;
const out = [String(EventEmitter.defaultMaxListeners)];
const emitter = new EventEmitter();
setTimeout(() => emitter.emit('ready', 7), 1);
out.push('once:' + (await once(emitter, 'ready'))[0]);
const ticks = new EventEmitter();
setTimeout(() => { ticks.emit('tick', 1); ticks.emit('tick', 2); }, 1);
const seen = [];
for await (const [n] of on(ticks, 'tick')) { seen.push(n); if (seen.length === 2) break; }
out.push('on:' + seen.join(','));
class Sub extends EventEmitter { constructor() { super(); this.destroy = () => 'own'; } }
const sub = new Sub();
sub.on('x', (v) => out.push('sub:' + (sub instanceof EventEmitter) + ':' + v));
sub.emit('x', 'hi');
out.push('max:' + new EventEmitter().setMaxListeners(2).getMaxListeners());
try { new EventEmitter().emit('error', new Error('boom')); } catch (e) { out.push('error:' + e.message); }
res.end(out.join('|'));
