// dns.lookup (callback and promises), resolve4 and net.isIP.
const dns = require('dns');
const net = require('net');
const q = new URLSearchParams(req.url.split('?')[1]);
const name = q.get('name') || 'localhost';
dns.lookup(name, { family: 4 }, (error, address, family) => {
  if (error) {
    res.end(JSON.stringify({ error: error.code, message: error.message, hostname: error.hostname }));
    return;
  }
  require('node:dns').promises.lookup(name, { all: true }).then(async (all) => {
    const v4 = await require('dns/promises').resolve4(name);
    res.end(JSON.stringify({
      address, family, all: all.some((a) => a.address === '127.0.0.1' && a.family === 4), v4,
      isIP: [net.isIP('127.0.0.1'), net.isIP('::1'), net.isIP('fe80::1%eth0'), net.isIP('1.2.3'), net.isIP('x')],
      literal: await dns.promises.lookup('10.1.2.3'),
    }));
  }, (e) => res.end('promises failed ' + e.code));
});
