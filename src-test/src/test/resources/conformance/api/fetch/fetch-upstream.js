// fetch (WHATWG subset) to a local upstream: method, headers, string body, Response.json(), headers.get.
// request-header: x-upstream: ${base}
// expect-status: 200
// expect-body: 200|true|echo|POST|t2|ping|text/plain;charset=UTF-8
const upstream = await fetch(req.headers['x-upstream'] + '/upstream/echo', {
  method: 'POST',
  headers: { 'x-test': 't2' },
  body: 'ping',
});
const echo = await upstream.json();
res.end([upstream.status, upstream.ok, upstream.headers.get('x-upstream'), echo.method, echo.test, echo.body,
  echo.contentType.replace(/ /g, '')].join('|'));
