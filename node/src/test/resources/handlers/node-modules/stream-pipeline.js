// stream: a Readable through two Transforms into a Writable with pipeline (callback and stream/promises), object
// mode, backpressure (write() false then 'drain'), finished, a PassThrough, string_decoder across split UTF-8.
// expect-status: 200
// expect-body: HELLO-STREAMS!|HELLO-STREAMS!|2,4,6|false,drain|finished|pass:abc|é€|true|override:own-read,own-destroy,own-write
const { Readable, Writable, Transform, PassThrough, pipeline, finished } = require('node:stream');
const promises = require('stream/promises');
const { StringDecoder } = require('string_decoder');
const out = [];

const upper = () => new Transform({ transform(chunk, encoding, done) { done(null, chunk.toString().toUpperCase()); } });
const exclaim = () => new Transform({ transform(chunk, encoding, done) { done(null, chunk); }, flush(done) { done(null, '!'); } });
const collect = (into) => new Writable({ write(chunk, encoding, done) { into.push(chunk.toString()); done(); } });

const first = [];
await new Promise((resolve, reject) => pipeline(Readable.from(['hello', '-', 'streams']), upper(), exclaim(), collect(first), (err) => (err ? reject(err) : resolve())));
out.push(first.join(''));

const second = [];
await promises.pipeline(Readable.from(['hello-', 'streams']), upper(), exclaim(), collect(second));
out.push(second.join(''));

const doubled = [];
await promises.pipeline(
  Readable.from([1, 2, 3]),
  new Transform({ objectMode: true, transform(n, e, done) { done(null, n * 2); } }),
  new Writable({ objectMode: true, write(n, e, done) { doubled.push(n); done(); } }));
out.push(doubled.join(','));

const slow = new Writable({ highWaterMark: 2, write(chunk, e, done) { setTimeout(done, 1); } });
const accepted = slow.write('abcd');
await new Promise((resolve) => slow.once('drain', resolve));
out.push(accepted + ',drain');

const ending = new Readable({ read() {} });
ending.push('x');
ending.push(null);
ending.resume();
await new Promise((resolve, reject) => finished(ending, (err) => (err ? reject(err) : resolve())));
out.push('finished');

const pass = new PassThrough();
const passed = [];
pass.on('data', (c) => passed.push(c.toString()));
pass.write('a'); pass.write('b'); pass.end('c');
await new Promise((resolve) => pass.on('end', resolve));
out.push('pass:' + passed.join(''));

const bytes = Buffer.from('é€');
const decoder = new StringDecoder('utf8');
out.push(decoder.write(bytes.subarray(0, 1)) + decoder.write(bytes.subarray(1, 3)) + decoder.end(bytes.subarray(3)));
out.push(String(require('stream') === require('node:stream') && new PassThrough() instanceof require('events')));
// Subclasses that assign over the (under `scope`, frozen) prototype's methods get their own properties.
class Source extends Readable {
  constructor() {
    super();
    this._read = () => { this.push('own-read'); this.push(null); };
    this.destroy = () => 'own-destroy';
  }
}
function Sink() { Writable.call(this); this.write = () => 'own-write'; }
require('util').inherits(Sink, Writable);
const source = new Source();
const read = await new Promise((resolve) => source.once('data', (c) => resolve(String(c))));
out.push('override:' + read + ',' + source.destroy() + ',' + new Sink().write());
res.end(out.join('|'));
