// Five fetches (renga.sandbox.outbound.max-requests in OutboundTest) whose host names never resolve (SlowNames), then a loop that only the time limit can stop.
for (let i = 0; i < 5; i++) {
  fetch(`http://n${i}.slow.test/`).catch(() => {});
}
setTimeout(() => { for (;;) {} }, 100);
