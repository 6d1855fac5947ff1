// req.headers: lower-case names, repeated headers joined with ", ", Renga's routing header removed.
// request-header: X-Custom-Thing: Some Value
// request-header: x-multi: a
// request-header: x-multi: b
// expect-status: 200
// expect-body: custom=Some Value multi=a, b handler=undefined lowercase=true host=true
const names = Object.keys(req.headers);
res.end(`custom=${req.headers['x-custom-thing']} multi=${req.headers['x-multi']} handler=${req.headers['x-haiku-handler']}`
  + ` lowercase=${names.every((n) => n === n.toLowerCase())} host=${typeof req.headers.host === 'string'}`);
