// An idle socket with setTimeout: 'timeout' comes, the handler destroys the socket and answers.
const net = require('net');
const q = new URLSearchParams(req.url.split('?')[1]);
const socket = net.connect(Number(q.get('port')), '127.0.0.1');
socket.setTimeout(200, () => {
  socket.destroy();
  res.end('timed out; destroyed=' + socket.destroyed);
});
