// Sends bodies of each kind with headers to the upstream's /echo and reports what it saw.
const upstream = decodeURIComponent(/[?&]upstream=([^&]*)/.exec(req.url)[1]);
const echo = async (init) => (await fetch(upstream + '/echo?q=1', init)).json();
const string = await echo({ method: 'POST', body: 'héllo', headers: { 'X-Custom': 'one', 'Content-Type': 'text/x-test' } });
const typed = await echo({ method: 'put', body: new Uint8Array([1, 2, 3, 250]), headers: [['x-list', 'a'], ['x-list', 'b']] });
const headers = new Headers({ 'content-type': 'application/json' });
headers.append('authorization', 'Bearer t');
const buffer = await echo({ method: 'PATCH', body: new Uint8Array([104, 105]).buffer, headers });
const get = await echo({});
let rejected;
try {
  await fetch(upstream + '/echo', { method: 'GET', body: 'x' });
} catch (e) {
  rejected = e.name + ': ' + e.message;
}
res.end(JSON.stringify({ string, typed, buffer, get, rejected }));
