// timers: Timeout objects (ref/unref/hasRef/refresh, a number for clearTimeout), an unref'd timer fires while a
// ref'd one keeps the request waiting, timers/promises with a value, setImmediate's Immediate.
// expect-status: 200
// expect-body: true,false,true|number|cleared|unref-fired|promise:v|immediate:true|interval:3|ends
const timers = require('node:timers');
const { setTimeout: sleep, setImmediate: immediate } = require('timers/promises');
const out = [];
const t = setTimeout(() => {}, 1000);
const refs = [t.hasRef(), t.unref().hasRef(), t.ref().hasRef()];
clearTimeout(t);
out.push(refs.join(','));
const n = setTimeout(() => out.push('not cleared'), 1);
out.push(typeof +n);
clearTimeout(+n);
out.push('cleared');
await new Promise((resolve) => {
  setTimeout(() => out.push('unref-fired'), 1).unref();
  timers.setTimeout(resolve, 30);
});
out.push('promise:' + await sleep(1, 'v'));
const im = setImmediate(() => {});
out.push('immediate:' + (typeof im.hasRef === 'function' && im.hasRef()));
let ticks = 0;
await new Promise((resolve) => { const i = setInterval(() => { if (++ticks === 3) { clearInterval(i); resolve(); } }, 1); });
out.push('interval:' + ticks);
const refreshed = setTimeout(() => { out.push('ends'); res.end(out.join('|')); }, 5);
refreshed.refresh();
await immediate();
