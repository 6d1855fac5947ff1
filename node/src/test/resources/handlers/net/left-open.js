// Connects, then answers without closing the socket: the request's end must close it.
const net = require('net');
const q = new URLSearchParams(req.url.split('?')[1]);
const socket = net.connect(Number(q.get('port')), '127.0.0.1');
socket.on('connect', () => {
  socket.write('still here');
  res.end('answered with the socket open');
});
