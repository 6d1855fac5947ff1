// Required by the bench's Node.js processes: they stop when the bench is gone, even if it was killed with SIGKILL.
'use strict';
const parentPid = Number(process.env.BENCH_PARENT_PID || 0);
if (parentPid) {
  setInterval(() => {
    try { process.kill(parentPid, 0); } catch (e) { process.exit(0); }
  }, 1000).unref();
}
