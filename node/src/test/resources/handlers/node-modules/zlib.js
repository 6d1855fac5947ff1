// zlib: the bytes of Node's own gzip/deflate/deflateRaw of 'hello world' (made with Node 20), inflated back; a gzip
// stream round trip of 100 KB; callbacks; unzip of zlib and gzip; a corrupt input's error.
// expect-status: 200
// expect-body: H4sIAAAAAAAAA8tIzcnJVyjPL8pJAQCFEUoNCwAAAA==|eJzLSM3JyVcozy/KSQEAGgsEXQ==|y0jNyclXKM8vykkBAA==|hello world,hello world,hello world|stream:102400:true|callback:hello world|unzip:hello world,hello world|Z_DATA_ERROR:incorrect header check|Z_BUF_ERROR
const zlib = require('node:zlib');
const { pipeline } = require('stream/promises');
const { Readable, Writable } = require('stream');
const out = [];
out.push(zlib.gzipSync('hello world').toString('base64'), zlib.deflateSync('hello world').toString('base64'), zlib.deflateRawSync('hello world').toString('base64'));
out.push([
  zlib.gunzipSync(Buffer.from('H4sIAAAAAAAAA8tIzcnJVyjPL8pJAQCFEUoNCwAAAA==', 'base64')),
  zlib.inflateSync(Buffer.from('eJzLSM3JyVcozy/KSQEAGgsEXQ==', 'base64')),
  zlib.inflateRawSync(Buffer.from('y0jNyclXKM8vykkBAA==', 'base64')),
].map(String).join(','));

const input = Buffer.alloc(102400);
for (let i = 0; i < input.length; i++) input[i] = (i * 7) % 251;
const chunks = [];
await pipeline(Readable.from([input.subarray(0, 50000), input.subarray(50000)]), zlib.createGzip(), zlib.createGunzip(),
  new Writable({ write(chunk, e, done) { chunks.push(chunk); done(); } }));
const back = Buffer.concat(chunks);
out.push('stream:' + back.length + ':' + back.equals(input));

out.push('callback:' + await new Promise((resolve, reject) => zlib.deflate('hello world', (err, z) => (err ? reject(err) : zlib.inflate(z, (err2, b) => (err2 ? reject(err2) : resolve(String(b))))))));
out.push('unzip:' + [zlib.unzipSync(zlib.deflateSync('hello world')), zlib.unzipSync(zlib.gzipSync('hello world'))].map(String).join(','));
try { zlib.inflateSync(Buffer.from('not zlib at all')); out.push('no error'); } catch (e) { out.push(e.code + ':' + e.message); }
try { zlib.gunzipSync(zlib.gzipSync('hello world').subarray(0, 12)); out.push('no error'); } catch (e) { out.push(e.code); }
res.end(out.join('|'));
