// Aborts an http.get with destroy() and a fetch with an abort signal, both to a slow ?url=U.
const http = require('http');
const url = decodeURIComponent(/[?&]url=([^&]*)/.exec(req.url)[1]);
const events = [];
const request = http.get(url, () => events.push('response'));
request.on('error', (e) => events.push('error ' + e.code));
request.on('close', () => events.push('close'));
request.destroy();
let abortListener;
const signal = { aborted: false, addEventListener: (type, listener) => { abortListener = listener; } };
const pending = fetch(url, { signal }).then(() => 'resolved', (e) => e.name + ' ' + e.code);
setImmediate(() => abortListener());
const fetched = await pending;
res.end(JSON.stringify({ events, fetched }));
