// hello, after loading require('stream') (and with it events, buffer, string_decoder, process): what a request
// that uses streams pays for them (IsolationCostBench -Drenga.bench.handler=require-stream.js).
require('stream');
res.writeHead(200, { 'content-type': 'text/plain' });
res.end('Hello, world!\n');
