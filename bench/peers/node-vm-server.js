// Node.js peer: a fresh `vm` context for every request, running the handler source as the body of
// `async function (req, res)` (compiled once per handler, like a code cache). The path names the handler:
// GET /hello runs HANDLER_DIR/hello.js.
// usage: node node-vm-server.js HANDLER_DIR PORT
'use strict';
require(require('path').join(__dirname, '../tools/exit-with-parent.js'));
const fs = require('fs');
const path = require('path');
const http = require('http');
const vm = require('vm');

const [dir, port] = process.argv.slice(2);
const scripts = new Map();
for (const name of fs.readdirSync(dir).filter((n) => n.endsWith('.js'))) {
  const source = fs.readFileSync(path.join(dir, name), 'utf8');
  scripts.set(name.slice(0, -3),
    new vm.Script("(async function (req, res) {'use strict';" + source + '\n})', { filename: name }));
}

// npm packages (the db scenario's `pg`): BENCH_PACKAGES names a directory with node_modules, as Renga's
// renga.handlers.packages does; handlers require from it. BENCH_PG (JSON client options) adds `pgPool`, a pg Pool kept
// across requests, for the query on an already open connection.
const packages = process.env.BENCH_PACKAGES
  ? require('module').createRequire(path.join(process.env.BENCH_PACKAGES, 'package.json')) : undefined;
const pgPool = packages && process.env.BENCH_PG ? new (packages('pg').Pool)(JSON.parse(process.env.BENCH_PG)) : undefined;

// The same globals Renga gives a handler (timers, console, microtasks, nextTick) plus fetch, and require and pgPool
// when the run has packages.
const globals = () => ({
  console, setTimeout, clearTimeout, setInterval, clearInterval, setImmediate, clearImmediate, queueMicrotask,
  process: Object.freeze({ nextTick: process.nextTick, env: Object.freeze({}) }),
  fetch, Buffer, require: packages, pgPool,
});

const fail = (res, err) => {
  if (!res.headersSent) {
    res.writeHead(500, { 'content-type': 'text/plain' });
    res.end(String(err && err.stack || err));
  } else {
    res.destroy();
  }
};

const server = http.createServer((req, res) => {
  const script = scripts.get(req.url.split('?')[0].slice(1).split('/')[0]);
  if (!script) {
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('no such handler\n');
    return;
  }
  try {
    const context = vm.createContext(globals());
    script.runInContext(context)(req, res).catch((err) => fail(res, err));
  } catch (err) {
    fail(res, err);
  }
});
server.keepAliveTimeout = 120000;
server.headersTimeout = 125000;
server.requestTimeout = 0;
server.maxConnections = 30000;
server.listen(Number(port), '127.0.0.1', 4096, () => console.log(`node-vm: ${scripts.size} handlers on 127.0.0.1:${port}`));
