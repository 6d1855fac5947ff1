// tls.connect to ?port= with the CA in the request body; ?servername=, ?reject=no, ?alpn=a,b. Reports the session,
// the peer certificate and an echo.
const tls = require('tls');
const q = new URLSearchParams(req.url.split('?')[1]);
const chunks = [];
req.on('data', (c) => chunks.push(c));
req.on('end', () => {
  const options = {
    host: q.get('host') || 'localhost',
    port: Number(q.get('port')),
    ca: Buffer.concat(chunks).toString(),
    rejectUnauthorized: q.get('reject') !== 'no',
  };
  if (q.has('servername')) options.servername = q.get('servername');
  if (q.has('alpn')) options.ALPNProtocols = q.get('alpn').split(',');
  const socket = tls.connect(options, () => {
    const cert = socket.getPeerCertificate();
    const report = {
      authorized: socket.authorized, authorizationError: socket.authorizationError, alpn: socket.alpnProtocol,
      protocol: socket.getProtocol(), encrypted: socket.encrypted,
      subject: cert.subject, issuer: cert.issuer, san: cert.subjectaltname, validFrom: cert.valid_from,
      validTo: cert.valid_to, fingerprint256: cert.fingerprint256, rawIsBuffer: Buffer.isBuffer(cert.raw),
    };
    socket.write('over tls');
    socket.once('data', (data) => {
      report.echo = data.toString();
      socket.destroy();
      res.end(JSON.stringify(report));
    });
  });
  socket.on('error', (e) => res.end(JSON.stringify({ error: e.code, message: e.message })));
});
