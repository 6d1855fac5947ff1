// require('http').request with a method, headers and a body written with write/end.
// request-header: x-upstream: ${base}
// expect-status: 200
// expect-body: POST|t1|posted body|echo
const http = require('http');
const request = http.request(req.headers['x-upstream'] + '/upstream/echo', { method: 'POST', headers: { 'x-test': 't1' } }, (upstream) => {
  let body = '';
  upstream.setEncoding('utf8');
  upstream.on('data', (c) => { body += c; });
  upstream.on('end', () => {
    const echo = JSON.parse(body);
    res.end([echo.method, echo.test, echo.body, upstream.headers['x-upstream']].join('|'));
  });
});
request.on('error', (e) => { res.statusCode = 502; res.end(e.message); });
request.write('posted ');
request.end('body');
