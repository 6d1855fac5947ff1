// setInterval repeats until clearInterval.
// expect-status: 200
// expect-body: ticks=3
let ticks = 0;
const id = setInterval(() => {
  ticks++;
  if (ticks === 3) {
    clearInterval(id);
    setTimeout(() => res.end(`ticks=${ticks}`), 60);
  }
}, 10);
