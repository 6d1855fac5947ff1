// Attacker: keeps everything it allocates, 8 MiB more on every turn.
const kept = [];
while (true) kept.push(new Float64Array(1 << 20));
