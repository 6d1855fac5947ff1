// hello with a Buffer and util.format, as many handlers use them: what a request pays for the buffer and util
// modules (IsolationCostBench -Drenga.bench.handler=uses-buffer.js).
const text = require('util').format('%s, %s!', 'Hello', 'world');
res.writeHead(200, { 'content-type': 'text/plain' });
res.end(Buffer.from(text + '\n').toString('utf8'));
