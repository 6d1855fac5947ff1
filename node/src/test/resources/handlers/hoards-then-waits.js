// Keeps 96 MiB, says so in the log, then waits 15 s on a timer before answering: memory held by a waiting request.
const kept = [];
for (let i = 0; i < 12; i++) kept.push(new Float64Array(1 << 20).fill(i));
console.log(`hoarded ${kept.length * 8} MiB`);
setTimeout(() => res.end(`kept ${kept.length}`), 15000);
