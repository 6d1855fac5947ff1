// require of anything outside the allowlist throws an Error with code MODULE_NOT_FOUND naming the module.
// expect-status: 200
// expect-body: fs:MODULE_NOT_FOUND:true|child_process:MODULE_NOT_FOUND:true|node:fs:MODULE_NOT_FOUND:true
const out = [];
for (const name of ['fs', 'child_process', 'node:fs']) {
  try { require(name); out.push(name + ':loaded'); } catch (e) { out.push(`${name}:${e.code}:${e.message.includes(name)}`); }
}
res.end(out.join('|'));
