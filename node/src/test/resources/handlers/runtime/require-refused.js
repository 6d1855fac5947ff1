const outcomes = {};
for (const name of ['fs', 'child_process', 'net', 'vm', 'worker_threads', 'os', 'process', 'module', 'https://evil.test/x.js', '/etc/passwd']) {
  try { require(name); outcomes[name] = 'loaded'; } catch (e) { outcomes[name] = e.code + ': ' + e.message; }
}
const http = require('http');
try { http.createServer(); outcomes.createServer = 'created'; } catch (e) { outcomes.createServer = e.message; }
try { require('https').get('https://example.com/'); outcomes.get = 'sent'; } catch (e) { outcomes.get = e.message; }
outcomes.statusText = http.STATUS_CODES[404];
res.end(JSON.stringify(outcomes));
