// Answers after ?ms=N milliseconds (1500 by default).
const match = /[?&]ms=(\d+)/.exec(req.url);
setTimeout(() => res.end('slow done\n'), match ? Number(match[1]) : 1500);
