const outcomes = {};
for (const name of ['no-such-module', 'node:nope', 'vendor/stream', 'https://evil.test/x.js', '/etc/passwd']) {
  try { require(name); outcomes[name] = 'loaded'; } catch (e) { outcomes[name] = e.code + ': ' + e.message; }
}
// These load (bundles require them for optional features) and refuse each use.
for (const name of ['fs', 'node:fs', 'fs/promises', 'child_process', 'vm', 'worker_threads', 'module']) {
  const module = require(name);
  try { module.readFileSync('/etc/passwd'); outcomes[name] = 'used'; } catch (e) { outcomes[name] = e.code + ': ' + e.message; }
}
const http = require('http');
try { http.createServer(); outcomes.createServer = 'created'; } catch (e) { outcomes.createServer = e.message; }
// The client is there (a metadata address, so it is refused by the network policy before any packet leaves).
try {
  const request = require('https').get('https://169.254.169.254/');
  request.on('error', () => {});
  outcomes.get = typeof request.end === 'function' ? 'client-request' : 'none';
} catch (e) { outcomes.get = e.message; }
outcomes.statusText = http.STATUS_CODES[404];
res.end(JSON.stringify(outcomes));
