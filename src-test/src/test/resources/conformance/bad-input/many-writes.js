// 10,000 tiny writes.
for (let i = 0; i < 10000; i++) res.write('x');
res.end();
