const order = [];
setImmediate(() => order.push('immediate'));
process.nextTick(() => order.push('tick'));
queueMicrotask(() => order.push('microtask'));
const cancelled = setTimeout(() => order.push('cancelled'), 1);
clearTimeout(cancelled);
let n = 0;
const interval = setInterval(() => {
  order.push('interval');
  if (++n === 3) {
    clearInterval(interval);
    setTimeout(() => res.end(JSON.stringify(order)), 5);
  }
}, 1);
