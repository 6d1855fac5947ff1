// require('url').resolve with a relative base, as in Node's documentation: url.resolve('/one/two/three', 'four')
// is '/one/two/four'.
// expect-status: 200
// expect-body: /one/two/four|/four|/one/two/three?q=1
const url = require('url');
const attempt = (from, to) => { try { return url.resolve(from, to); } catch (e) { return `${e.name}: ${e.message}`; } };
res.end([attempt('/one/two/three', 'four'), attempt('/one/two/three', '/four'), attempt('/one/two/three', '?q=1')].join('|'));
