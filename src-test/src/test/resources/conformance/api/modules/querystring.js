// require('querystring'): parse, stringify, escape.
// expect-status: 200
// expect-body: {"a":"1","b":["2","3"]}|a=1&b=x%20y|%26
const qs = require('querystring');
res.end([JSON.stringify(qs.parse('a=1&b=2&b=3')), qs.stringify({ a: 1, b: 'x y' }), qs.escape('&')].join('|'));
