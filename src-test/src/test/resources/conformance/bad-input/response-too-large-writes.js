// 2 MiB in 64 KiB writes: over renga.sandbox.max-response-size (1 MiB).
const chunk = 'y'.repeat(64 * 1024);
for (let i = 0; i < 32; i++) res.write(chunk);
res.end();
