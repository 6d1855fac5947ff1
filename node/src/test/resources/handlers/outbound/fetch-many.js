// Fetches ?url=U ?n=N times one after the other and reports each outcome (status or error code).
const param = (name) => decodeURIComponent(new RegExp('[?&]' + name + '=([^&]*)').exec(req.url)[1]);
const outcomes = [];
for (let i = 0; i < Number(param('n')); i++) {
  try {
    const response = await fetch(param('url'));
    await response.arrayBuffer();
    outcomes.push(response.status);
  } catch (e) {
    outcomes.push(e.code + ': ' + e.message);
  }
}
res.end(JSON.stringify(outcomes));
