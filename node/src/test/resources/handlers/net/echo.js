// Connects to the echo server at ?port=, writes two chunks, reads them back, ends, and reports what it saw.
const net = require('node:net');
const q = new URLSearchParams(req.url.split('?')[1]);
const events = [];
let received = '';
const socket = net.connect({ port: Number(q.get('port')), host: q.get('host') || 'localhost' });
const state = { connectingAtStart: socket.connecting, pendingAtStart: socket.pending };
socket.setNoDelay(true);
socket.setKeepAlive(true);
socket.setEncoding('utf8');
socket.on('lookup', (error, address, family, host) => events.push('lookup ' + address + ' ' + family + ' ' + host));
socket.on('connect', () => {
  events.push('connect');
  state.remote = socket.remoteAddress + ':' + (socket.remotePort === Number(q.get('port')));
  state.readyState = socket.readyState;
  socket.cork();
  socket.write('hello ');
  socket.write(Buffer.from('world'));
  socket.uncork();
});
socket.on('ready', () => events.push('ready'));
socket.on('data', (chunk) => {
  received += chunk;
  if (received === 'hello world') socket.end();
});
socket.on('end', () => events.push('end'));
socket.on('close', (hadError) => {
  events.push('close ' + hadError);
  res.end(JSON.stringify(Object.assign(state, {
    received, events, bytesRead: socket.bytesRead, bytesWritten: socket.bytesWritten, destroyed: socket.destroyed,
  })));
});
