// Synchronous code first; process.nextTick, queueMicrotask and promise reactions before setImmediate and timers;
// clearImmediate cancels.
// expect-status: 200
// expect-body: sync|micro:3|immediate
const log = [];
let micro = 0;
process.nextTick(() => micro++);
queueMicrotask(() => micro++);
Promise.resolve().then(() => micro++);
const cancelled = setImmediate(() => log.push('cancelled'));
clearImmediate(cancelled);
setImmediate(() => {
  log.push('micro:' + micro, 'immediate');
  res.end(log.join('|'));
});
log.push('sync');
