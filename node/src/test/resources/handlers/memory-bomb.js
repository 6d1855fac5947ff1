// Keeps everything it allocates: 8 MiB more on every turn of the loop.
const kept = [];
while (true) kept.push(new Float64Array(1 << 20));
