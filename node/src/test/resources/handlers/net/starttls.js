// A STARTTLS exchange as pg's: plain connect, one byte out, 'S' back, then tls.connect({socket}) and an echo. The CA
// is the request body.
const net = require('net');
const tls = require('tls');
const q = new URLSearchParams(req.url.split('?')[1]);
const chunks = [];
req.on('data', (c) => chunks.push(c));
req.on('end', () => {
  const plain = net.connect(Number(q.get('port')), 'localhost');
  plain.on('error', (e) => res.end('plain error ' + e.code));
  plain.once('data', (answer) => {
    const secure = tls.connect({ socket: plain, ca: Buffer.concat(chunks).toString(), servername: 'localhost' }, () => {
      secure.write('upgraded');
    });
    secure.on('error', (e) => res.end('tls error ' + e.code + ' ' + e.message));
    secure.on('data', (data) => {
      const report = { answer: answer.toString(), authorized: secure.authorized, echo: data.toString(),
        cn: secure.getPeerCertificate().subject.CN };
      secure.end();
      secure.on('close', () => res.end(JSON.stringify(report)));
    });
  });
  plain.write('?');
});
