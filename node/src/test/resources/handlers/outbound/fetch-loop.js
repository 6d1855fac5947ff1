// Fetches ?url=U ?n=N times one after the other; reports the total and per-fetch times in ms.
const param = (name) => decodeURIComponent(new RegExp('[?&]' + name + '=([^&]*)').exec(req.url)[1]);
const times = [];
const start = Date.now();
for (let i = 0; i < Number(param('n')); i++) {
  const t = Date.now();
  await (await fetch(param('url'))).text();
  times.push(Date.now() - t);
}
res.end(JSON.stringify({ total: Date.now() - start, times }));
