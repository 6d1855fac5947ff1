// crypto: known answers (FIPS 180 'abc', RFC 4231-style HMAC, RFC 6070 PBKDF2-SHA1, PBKDF2-SHA256), encodings,
// copy(), a Hash as a stream, randomInt, and pg's SCRAM-SHA-256 client proof on webcrypto.subtle (RFC 7677's example).
// expect-status: 200
// expect-body: ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad|f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8|ea6c014dc72d6f8ccd1ed92ace1d41f0d8de8957|c5e478d59288c841aa530db6845c4c8d962893a001ce4e11a4963873aa98134a|1B2M2Y8AsgTpgAmY7PhCfg==|3a81oZNherrMQXNJriBBMRLm-k6JqX6iCp7u5ktV05ohkpkqJ0_BqDa6PCOj_uu9RU1EI2Q86A4qmslPpUyknw|copy:true|stream:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad|randomInt:true|dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=|verify:true|ERR_CRYPTO_HASH_FINALIZED
const crypto = require('node:crypto');
const out = [];
out.push(crypto.createHash('sha256').update('abc').digest('hex'));
out.push(crypto.createHmac('sha256', 'key').update('The quick brown fox jumps over the lazy dog').digest('hex'));
out.push(crypto.pbkdf2Sync('password', 'salt', 2, 20, 'sha1').toString('hex'));
out.push(await new Promise((resolve, reject) => crypto.pbkdf2('password', Buffer.from('salt'), 4096, 32, 'sha256', (err, key) => (err ? reject(err) : resolve(key.toString('hex'))))));
out.push(crypto.createHash('md5').update('').digest('base64'));
out.push(crypto.createHash('sha512').update('abc').digest('base64url'));

const partial = crypto.createHash('sha256').update('a');
const copy = partial.copy();
out.push('copy:' + (partial.update('bc').digest('hex') === copy.update('bc').digest('hex')));

const hashing = crypto.createHash('sha256');
hashing.setEncoding('hex');
const streamed = new Promise((resolve) => hashing.on('data', resolve));
hashing.write('a');
hashing.end('bc');
out.push('stream:' + await streamed);

let inRange = true;
for (let i = 0; i < 200; i++) { const n = crypto.randomInt(3, 7); if (n < 3 || n >= 7 || !Number.isInteger(n)) inRange = false; }
out.push('randomInt:' + inRange);

// SCRAM-SHA-256 (RFC 7677 section 3), computed as pg's lib/crypto/utils-webcrypto.js does.
const subtle = crypto.webcrypto.subtle;
const enc = new TextEncoder();
const hmac = async (key, text) => new Uint8Array(await subtle.sign('HMAC', await subtle.importKey('raw', key, { name: 'HMAC', hash: { name: 'SHA-256' } }, false, ['sign']), enc.encode(text)));
const passwordKey = await subtle.importKey('raw', enc.encode('pencil'), 'PBKDF2', false, ['deriveBits']);
const salted = new Uint8Array(await subtle.deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt: Buffer.from('W22ZaJ0SNY7soEsUEjb6gQ==', 'base64'), iterations: 4096 }, passwordKey, 256));
const clientKey = await hmac(salted, 'Client Key');
const storedKey = new Uint8Array(await subtle.digest('SHA-256', clientKey));
const authMessage = 'n=user,r=rOprNGfwEbeRWgbNEkqO,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096,c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0';
const signature = await hmac(storedKey, authMessage);
out.push(Buffer.from(clientKey.map((b, i) => b ^ signature[i])).toString('base64'));
const verifyKey = await subtle.importKey('raw', storedKey, { name: 'HMAC', hash: 'SHA-256' }, false, ['verify']);
out.push('verify:' + await subtle.verify('HMAC', verifyKey, await hmac(storedKey, 'm'), enc.encode('m')));
try { const h = crypto.createHash('sha1'); h.digest(); h.update('x'); } catch (e) { out.push(e.code); }
res.end(out.join('|'));
