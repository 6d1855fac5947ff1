// setTimeout with arguments; clearTimeout cancels.
// expect-status: 200
// expect-body: fired:a,b cancelled-did-not-fire
const cancelled = setTimeout(() => res.end('cancelled timer fired'), 20);
clearTimeout(cancelled);
setTimeout((x, y) => {
  setTimeout(() => res.end(`fired:${x},${y} cancelled-did-not-fire`), 60);
}, 10, 'a', 'b');
