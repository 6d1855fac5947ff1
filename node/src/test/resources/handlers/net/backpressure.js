// Writes ?mb= MiB to the counting server as fast as write() allows (waiting for 'drain' whenever it returns false),
// ends, and reports the server's count.
const net = require('net');
const q = new URLSearchParams(req.url.split('?')[1]);
const total = Number(q.get('mb')) * 1024 * 1024;
const chunk = Buffer.alloc(64 * 1024, 'x');
let written = 0;
let refusals = 0;
let drains = 0;
let reply = '';
const socket = net.connect(Number(q.get('port')), '127.0.0.1');
const pump = () => {
  while (written < total) {
    written += chunk.length;
    if (!socket.write(chunk)) {
      refusals++;
      socket.once('drain', () => { drains++; pump(); });
      return;
    }
  }
  socket.end();
};
socket.on('connect', pump);
socket.on('data', (data) => { reply += data; });
socket.on('end', () => res.end(JSON.stringify({
  written, counted: Number(reply.trim()), refusals, drains, bytesWritten: socket.bytesWritten,
  writableLength: socket.writableLength,
})));
socket.on('error', (e) => res.end('error ' + e.code + ' ' + e.message));
