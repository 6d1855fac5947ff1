// require('crypto'): createHash, createHmac (known test vectors), randomBytes.
// expect-status: 200
// expect-body: ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad|d41d8cd98f00b204e9800998ecf8427e|f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8|16|true
const crypto = require('crypto');
res.end([
  crypto.createHash('sha256').update('abc').digest('hex'),
  crypto.createHash('md5').update('').digest('hex'),
  crypto.createHmac('sha256', 'key').update('The quick brown fox jumps over the lazy dog').digest('hex'),
  crypto.randomBytes(16).length,
  Buffer.isBuffer(crypto.randomBytes(1)),
].join('|'));
