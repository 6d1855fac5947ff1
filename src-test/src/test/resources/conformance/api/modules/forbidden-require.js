// fs and child_process load (bundles require them for optional features) and throw ERR_RENGA_UNSUPPORTED, naming the
// module, when used; a name that is no module at all throws MODULE_NOT_FOUND naming it.
// expect-status: 200
// expect-body: fs:ERR_RENGA_UNSUPPORTED:true|child_process:ERR_RENGA_UNSUPPORTED:true|node:fs:ERR_RENGA_UNSUPPORTED:true|no-such-module:MODULE_NOT_FOUND:true
const out = [];
const uses = { fs: (m) => m.readFileSync('/etc/passwd'), child_process: (m) => m.execSync('id'), 'node:fs': (m) => m.readFileSync('/') };
for (const name of ['fs', 'child_process', 'node:fs']) {
  try { uses[name](require(name)); out.push(name + ':used'); } catch (e) { out.push(`${name}:${e.code}:${e.message.includes(name.replace('node:', ''))}`); }
}
try { require('no-such-module'); out.push('no-such-module:loaded'); } catch (e) { out.push(`no-such-module:${e.code}:${e.message.includes('no-such-module')}`); }
res.end(out.join('|'));
