// require('util'): format, inspect, promisify, types, isDeepStrictEqual.
// expect-status: 200
// expect-body: x=42 {"a":1}|{ a: 1, b: 'two' }|doubled=42|true|true
const util = require('util');
const double = util.promisify((n, cb) => setTimeout(() => cb(null, n * 2), 1));
res.end([util.format('%s=%d %j', 'x', 42, { a: 1 }), util.inspect({ a: 1, b: 'two' }), 'doubled=' + await double(21),
  util.types.isPromise(Promise.resolve()), util.isDeepStrictEqual({ a: [1] }, { a: [1] })].join('|'));
