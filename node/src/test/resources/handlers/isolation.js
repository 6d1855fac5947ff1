// What a handler can reach of the host: everything here must be absent or refused.
const probes = {
  Java: () => typeof Java === 'undefined' ? 'absent' : Java.type('java.lang.System'),
  Polyglot: () => typeof Polyglot === 'undefined' ? 'absent' : Polyglot.eval('js', '1'),
  Graal: () => typeof Graal === 'undefined' ? 'absent' : 'present',
  load: () => typeof load === 'undefined' ? 'absent' : load('/etc/passwd'),
  print: () => typeof print === 'undefined' ? 'absent' : 'present',
  require: () => typeof require === 'undefined' ? 'absent' : require('fs'),
  packages: () => typeof Packages === 'undefined' ? 'absent' : 'present',
};
const result = {};
for (const [name, probe] of Object.entries(probes)) {
  try {
    result[name] = String(probe());
  } catch (e) {
    result[name] = 'refused';
  }
}
res.end(JSON.stringify(result));
