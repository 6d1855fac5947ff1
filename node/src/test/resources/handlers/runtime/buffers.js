// Buffer: encodings, slicing, comparison, integers. Long inputs take the host's encoders.
const b = Buffer.from('héllo wörld', 'utf8');
const long = Buffer.alloc(300);
for (let i = 0; i < long.length; i++) long[i] = i & 0xff;
const ints = Buffer.alloc(16);
ints.writeUInt32BE(0xdeadbeef, 0);
ints.writeInt16LE(-2, 4);
ints.writeDoubleLE(1.5, 8);
const written = Buffer.alloc(8);
const count = written.write('abcdef', 2, 'latin1');
const sliced = b.slice(1, 3);
sliced[0] = 0x41; // shares memory with b
res.setHeader('content-type', 'application/json');
res.end(JSON.stringify({
  length: b.length,
  byteLength: Buffer.byteLength('héllo'),
  hex: Buffer.from('hi!').toString('hex'),
  fromHex: Buffer.from('68692100zz', 'hex').toString(),
  base64: Buffer.from('hello world').toString('base64'),
  fromBase64: Buffer.from('aGVsbG8gd29ybGQ=', 'base64').toString(),
  base64url: Buffer.from([0xfb, 0xff, 0xfe]).toString('base64url'),
  fromBase64url: Array.from(Buffer.from('-__-', 'base64url')),
  latin1: Buffer.from('ÿé', 'latin1').toString('hex'),
  utf16le: Buffer.from('hi', 'utf16le').toString('hex'),
  longHex: long.toString('hex'),
  longBase64: long.toString('base64'),
  concat: Buffer.concat([Buffer.from('ab'), new Uint8Array([99]), Buffer.from('de')]).toString(),
  equals: Buffer.from('abc').equals(Buffer.from('abc')) && !Buffer.from('abc').equals(Buffer.from('abd')),
  compare: [Buffer.compare(Buffer.from('a'), Buffer.from('b')), Buffer.from('b').compare(Buffer.from('a'))],
  isBuffer: [Buffer.isBuffer(b), Buffer.isBuffer(new Uint8Array(1)), Buffer.isBuffer('x')],
  sliceShares: b[1],
  subarrayIsBuffer: Buffer.isBuffer(b.subarray(0, 2)),
  ints: [ints.readUInt32BE(0), ints.readInt16LE(4), ints.readDoubleLE(8), ints.readUInt8(0)],
  write: [count, written.toString('latin1', 2, 8)],
  fill: Buffer.alloc(5, 'ab').toString(),
  indexOf: [b.indexOf('llo'), b.includes('zzz')],
  json: JSON.stringify(Buffer.from([1, 2])),
  toStringRange: Buffer.from('abcdef').toString('utf8', 1, 3),
}));
