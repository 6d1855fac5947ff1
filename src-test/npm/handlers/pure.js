// Pure-JavaScript npm packages (no I/O): qs, mime-types and uuid. The entry exports the handler.
const qs = require('qs');
const mime = require('mime-types');
const uuid = require('uuid');

module.exports = (req, res) => {
  const query = qs.parse(req.url.slice(req.url.indexOf('?') + 1));
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify({ query, type: mime.lookup('photo.png'), id: uuid.v4(), back: qs.stringify(query) }));
};
