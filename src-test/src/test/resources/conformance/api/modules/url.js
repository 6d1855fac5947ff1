// require('url'): URL, URLSearchParams, legacy parse/format/resolve.
// expect-status: 200
// expect-body: /p|x=1|x.example|true|http://x.example/a?b=1|http://x.example/one/three
const url = require('url');
const parsed = url.parse('http://x.example/p?x=1', true);
res.end([parsed.pathname, `x=${parsed.query.x}`, parsed.hostname, url.URL === URL,
  url.format({ protocol: 'http', host: 'x.example', pathname: '/a', search: '?b=1' }),
  url.resolve('http://x.example/one/two', 'three')].join('|'));
