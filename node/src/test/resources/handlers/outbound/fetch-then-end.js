// Starts a fetch of ?url=U, waits for ?gate=G to answer, then ends the response with the first fetch still pending.
const param = (name) => decodeURIComponent(new RegExp('[?&]' + name + '=([^&]*)').exec(req.url)[1]);
fetch(param('url')).catch(() => {});
await fetch(param('gate'));
res.end('ended');
