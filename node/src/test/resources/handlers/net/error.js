// Connects to ?host=&port= (or ?path=) and reports the error the socket emits.
const net = require('net');
const q = new URLSearchParams(req.url.split('?')[1]);
const options = q.has('path') ? { path: q.get('path') } : { host: q.get('host'), port: Number(q.get('port')) };
const socket = net.createConnection(options, () => res.end('connected'));
socket.on('error', (e) => {
  res.end(JSON.stringify({
    code: e.code, message: e.message, syscall: e.syscall, address: e.address, port: e.port, hostname: e.hostname,
    isError: e instanceof Error,
  }));
});
