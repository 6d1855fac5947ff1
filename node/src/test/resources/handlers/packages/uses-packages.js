// Bare names from the package directory: main, nested node_modules, exports conditions and patterns, imports,
// scoped names, JSON, and clear errors for what cannot load.
const outcome = (f) => { try { return f(); } catch (e) { return e.code + ': ' + e.message; } };
const counter = require('counter-pkg');
const again = require('counter-pkg');
res.end(JSON.stringify({
  count: [counter.next(), counter.next(), again.next()],
  same: counter === again && counter.same,
  helper: counter.helper('x'),
  nestedDep: counter.dep,
  topDep: require('dep-pkg').version,
  data: counter.data,
  file: counter.file,
  dir: counter.dir,
  cond: require('cond-pkg'),
  feature: require('cond-pkg/feature'),
  sub: require('cond-pkg/sub/one'),
  manifest: require('cond-pkg/package.json').name,
  resolved: require.resolve('cond-pkg'),
  scoped: require('@scope/pkg'),
  notExported: outcome(() => require('cond-pkg/private')),
  esm: outcome(() => require('esm-pkg')),
  native: outcome(() => require('native-pkg')),
  missing: outcome(() => require('no-such-pkg')),
  escape: outcome(() => require('counter-pkg/../../../etc/passwd')),
}));
