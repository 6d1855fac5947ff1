// At /spin: keeps 96 MiB, then loops until it is stopped (memory held by a request interrupted mid-turn). Else: ok.
if (req.url === '/spin') {
  const kept = [];
  for (let i = 0; i < 12; i++) kept.push(new Float64Array(1 << 20).fill(i));
  console.log(`hoarded ${kept.length * 8} MiB`);
  while (kept.length > 0) {}
}
res.end('ok');
