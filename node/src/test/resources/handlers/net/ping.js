// One connect and one round trip: writes "ping" to the echo server at ?port=, answers with what came back.
const net = require('net');
const port = Number(/[?&]port=(\d+)/.exec(req.url)[1]);
const socket = net.connect(port, '127.0.0.1', () => socket.write('ping'));
socket.once('data', (data) => {
  socket.destroy();
  res.end(data);
});
