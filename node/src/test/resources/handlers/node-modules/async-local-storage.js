// async_hooks: a store set by run() is seen across await, in timers set inside run() (also after run() returned),
// in nested runs, and not outside; AsyncResource runs callbacks with its creator's store.
// expect-status: 200
// expect-body: before:undefined|sync:req-1|after-await:req-1|timer:req-1|nested:inner|restored:req-1|resource:req-1|outside:undefined|sync-run-timer:s|done
const { AsyncLocalStorage, AsyncResource } = require('node:async_hooks');
const storage = new AsyncLocalStorage();
const out = ['before:' + storage.getStore()];
let resource;
await storage.run('req-1', async () => {
  out.push('sync:' + storage.getStore());
  await new Promise((resolve) => setTimeout(resolve, 2));
  out.push('after-await:' + storage.getStore());
  await new Promise((resolve) => setTimeout(() => { out.push('timer:' + storage.getStore()); resolve(); }, 1));
  storage.run('inner', () => out.push('nested:' + storage.getStore()));
  out.push('restored:' + storage.getStore());
  resource = new AsyncResource('job');
});
out.push(resource.runInAsyncScope(() => 'resource:' + storage.getStore()));
out.push('outside:' + storage.getStore());
await new Promise((resolve) => storage.run('s', () => setTimeout(() => { out.push('sync-run-timer:' + storage.getStore()); resolve(); }, 1)));
out.push('done');
res.end(out.join('|'));
