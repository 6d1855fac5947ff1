// fs, child_process and the other refused modules load, and each use throws ERR_RENGA_UNSUPPORTED naming the module.
// expect-status: 200
// expect-body: ERR_RENGA_UNSUPPORTED: require('fs').readFile is not available in Renga: handlers have no file system (use fetch or a database for data)|ERR_RENGA_UNSUPPORTED:fs/promises|ERR_RENGA_UNSUPPORTED:child_process|ERR_RENGA_UNSUPPORTED:worker_threads|ERR_RENGA_UNSUPPORTED:http2|ERR_RENGA_UNSUPPORTED:v8|ERR_RENGA_UNSUPPORTED:vm|ERR_RENGA_UNSUPPORTED:module|ERR_RENGA_UNSUPPORTED:readline|ERR_RENGA_UNSUPPORTED:inspector|ERR_RENGA_UNSUPPORTED:cluster|MODULE_NOT_FOUND
const out = [];
try { require('fs').readFile('/etc/passwd', () => {}); } catch (e) { out.push(e.code + ': ' + e.message); }
const uses = {
  'fs/promises': (m) => m.readFile('/etc/passwd'),
  child_process: (m) => m.spawn('sh'),
  worker_threads: (m) => new m.Worker('x.js'),
  http2: (m) => m.connect('https://example.com'),
  v8: (m) => m.getHeapStatistics(),
  vm: (m) => m.runInNewContext('1'),
  module: (m) => m.createRequire('/')('x'),
  readline: (m) => m.createInterface({}),
  inspector: (m) => m.open(),
  cluster: (m) => m.fork(),
};
for (const [name, use] of Object.entries(uses)) {
  try { use(require('node:' + name)); out.push(name + ':used'); } catch (e) { out.push(e.code + ':' + (e.message.includes("require('" + name + "')") ? name : e.message)); }
}
try { require('left-pad'); } catch (e) { out.push(e.code); }
res.end(out.join('|'));
