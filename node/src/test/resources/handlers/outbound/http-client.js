// Node's http client: get with setEncoding and events, request with write/end, and a 'response' callback.
const http = require('http');
const upstream = decodeURIComponent(/[?&]upstream=([^&]*)/.exec(req.url)[1]);
const events = [];
const get = new Promise((resolve, reject) => {
  http.get(upstream + '/text', (response) => {
    events.push('response ' + response.statusCode + ' ' + response.headers['content-type']);
    response.setEncoding('utf8');
    let body = '';
    response.on('data', (chunk) => { events.push('data ' + typeof chunk); body += chunk; });
    response.on('end', () => { events.push('end'); resolve(body); });
  }).on('error', reject);
});
const post = new Promise((resolve, reject) => {
  const port = /:(\d+)/.exec(upstream)[1];
  // Options with an href beside the path, as the `request` package passes them: options, not a URL (as in Node).
  const request = http.request({ hostname: '127.0.0.1', port, path: '/echo?via=request', method: 'POST',
    href: upstream + '/elsewhere', protocol: 'http:', headers: { 'content-type': 'application/json', 'x-node': 'yes' } });
  request.on('response', (response) => {
    const chunks = [];
    response.on('data', (chunk) => chunks.push(chunk));
    response.on('end', () => resolve({ status: response.statusCode, isBytes: chunks[0] instanceof Uint8Array,
      body: JSON.parse(String.fromCharCode(...chunks[0])) }));
  });
  request.on('error', reject);
  request.write('{"a":');
  request.end('1}');
});
let httpsRefused;
try {
  require('https').get(upstream + '/text');
} catch (e) {
  httpsRefused = e.code;
}
const body = await get;
const posted = await post;
res.end(JSON.stringify({ events, body, posted, httpsRefused, same: require('http') === require('node:http') }));
