// require('path') and the node: prefix: POSIX paths.
// expect-status: 200
// expect-body: /a/c|.js|file.js|/x/y|true|../b
const path = require('node:path');
res.end([path.join('/a', 'b', '../c'), path.extname('f.js'), path.basename('/d/file.js'), path.resolve('/x', 'y'),
  require('path') === path, path.relative('/a/x', '/a/b')].join('|'));
