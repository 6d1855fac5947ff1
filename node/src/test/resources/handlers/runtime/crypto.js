const crypto = require('crypto');
res.setHeader('content-type', 'application/json');
res.end(JSON.stringify({
  sha256: crypto.createHash('sha256').update('hello').digest('hex'),
  sha256Parts: crypto.createHash('SHA256').update('hel').update(Buffer.from('lo')).digest('hex'),
  sha1: crypto.createHash('sha1').update('hello').digest('base64'),
  md5: crypto.createHash('md5').update('hello').digest('hex'),
  sha512: crypto.createHash('sha512').update('').digest('hex'),
  digestIsBuffer: Buffer.isBuffer(crypto.createHash('sha256').update('x').digest()),
  hmac: crypto.createHmac('sha256', 'key').update('The quick brown fox jumps over the lazy dog').digest('hex'),
  hmacBufferKey: crypto.createHmac('sha1', Buffer.from('key')).update('msg').digest('hex'),
  randomBytes: crypto.randomBytes(16).length,
  randomUUID: typeof crypto.randomUUID(),
  unknown: (() => { try { crypto.createHash('whirlpool'); return 'created'; } catch (e) { return e.message; } })(),
  timingSafeEqual: crypto.timingSafeEqual(Buffer.from('ab'), Buffer.from('ab')),
}));
