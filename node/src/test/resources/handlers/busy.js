// Spins for about 100 ms of CPU, then answers.
const end = Date.now() + 100;
let n = 0;
while (Date.now() < end) n++;
res.end(String(n > 0));
