// Serves the files of one directory (read once, at start) on several loopback ports: one origin (= one Renga
// tenant) per port. Answers with an ETag and Cache-Control so a handler code cache may keep the source.
// usage: node static-server.js DIR PORT [PORT...]
'use strict';
require(require('path').join(__dirname, './exit-with-parent.js'));
const fs = require('fs');
const path = require('path');
const http = require('http');
const crypto = require('crypto');

const [dir, ...ports] = process.argv.slice(2);
const files = new Map();
for (const name of fs.readdirSync(dir)) {
  const body = fs.readFileSync(path.join(dir, name));
  const etag = '"' + crypto.createHash('sha1').update(body).digest('hex').slice(0, 16) + '"';
  const type = name.endsWith('.js') ? 'text/javascript; charset=utf-8' : 'text/plain; charset=utf-8';
  files.set('/' + name, { body, etag, type });
}

const serve = (req, res) => {
  const file = files.get(req.url.split('?')[0]);
  if (!file) {
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('not found\n');
    return;
  }
  const headers = { 'content-type': file.type, etag: file.etag, 'cache-control': 'public, max-age=600' };
  if (req.headers['if-none-match'] === file.etag) {
    res.writeHead(304, headers);
    res.end();
    return;
  }
  headers['content-length'] = file.body.length;
  res.writeHead(200, headers);
  res.end(req.method === 'HEAD' ? undefined : file.body);
};

for (const port of ports) {
  const server = http.createServer(serve);
  server.keepAliveTimeout = 60000;
  server.listen(Number(port), '127.0.0.1', 4096);
}
console.log(`static: ${files.size} files from ${dir} on 127.0.0.1:${ports.join(',')}`);
