// http.get of ?url=U: reports an 'error' event, or lets it escape when ?listen=no.
const http = require('http');
const url = decodeURIComponent(/[?&]url=([^&]*)/.exec(req.url)[1]);
const request = http.get(url, (response) => res.end('unexpected ' + response.statusCode));
if (!/listen=no/.test(req.url)) request.on('error', (e) => res.end(JSON.stringify({ error: e.message, code: e.code })));
