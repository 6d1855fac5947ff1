// Spins for about 1 s of CPU, then answers: a job longer than a tight tenant's CPU limit but within the node's.
const end = Date.now() + 1000;
let n = 0;
while (Date.now() < end) n++;
res.end('spun ' + (n > 0));
