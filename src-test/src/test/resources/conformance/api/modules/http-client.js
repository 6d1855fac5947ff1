// require('http').get to a local upstream (allowed: the node runs with renga.sandbox.network.allow-private=true).
// request-header: x-upstream: ${base}
// expect-status: 200
// expect-body: 200 upstream says hi
const http = require('http');
http.get(req.headers['x-upstream'] + '/upstream/text', (upstream) => {
  upstream.setEncoding('utf8');
  let body = '';
  upstream.on('data', (chunk) => { body += chunk; });
  upstream.on('end', () => res.end(`${upstream.statusCode} ${body}`));
}).on('error', (e) => { res.statusCode = 502; res.end(e.message); });
