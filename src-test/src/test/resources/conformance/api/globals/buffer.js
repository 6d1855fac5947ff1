// Buffer as a global.
// expect-status: 200
// expect-body: aGVsbG8=|68656c6c6f|hello|258|true|ab
const b = Buffer.from('hello');
const n = Buffer.from([0x01, 0x02]).readUInt16BE(0);
res.end([b.toString('base64'), b.toString('hex'), Buffer.from('aGVsbG8=', 'base64').toString(), n,
  b instanceof Uint8Array, Buffer.concat([Buffer.from('a'), Buffer.from('b')]).toString()].join('|'));
