// process, os, perf_hooks, diagnostics_channel, tty, util, buffer, path, querystring, punycode, assert/strict.
// expect-status: 200
// expect-body: v20|[object process]|linux,x64|tick:a,b|hrtime:true,true|exit:ERR_RENGA_UNSUPPORTED|warning:W1|os:linux,x64,LE,Linux,localhost,/tmp,1|perf:true|dc:false,true,{"a":1}|tty:false|util:true,true,4|buffer:true,dGVzdA|path:/a/c|qs:a=1&b=2|xn--mnchen-3ya|strict:ERR_ASSERTION|abort:true
const out = [];
out.push(process.version.slice(0, 3));
out.push(Object.prototype.toString.call(process));
out.push(process.platform + ',' + process.arch);
const ticks = [];
await new Promise((resolve) => { process.nextTick((a, b) => { ticks.push(a, b); resolve(); }, 'a', 'b'); });
out.push('tick:' + ticks.join(','));
const [s, ns] = process.hrtime();
out.push('hrtime:' + (Number.isInteger(s) && ns < 1e9) + ',' + (typeof process.hrtime.bigint() === 'bigint'));
try { process.exit(1); } catch (e) { out.push('exit:' + e.code); }
process.once('warning', (w) => out.push('warning:' + w.message));
process.emitWarning('W1');
const os = require('node:os');
out.push('os:' + [os.platform(), os.arch(), os.endianness(), os.type(), os.hostname(), os.tmpdir(), os.cpus().length].join(','));
const { performance } = require('perf_hooks');
const t0 = performance.now();
out.push('perf:' + (performance.now() >= t0 && typeof performance.timeOrigin === 'number' && globalThis.performance === performance));
const dc = require('diagnostics_channel');
const before = dc.hasSubscribers('renga:test');
let got;
dc.subscribe('renga:test', (m) => { got = m; });
dc.channel('renga:test').publish({ a: 1 });
out.push('dc:' + before + ',' + dc.channel('renga:test').hasSubscribers + ',' + JSON.stringify(got));
out.push('tty:' + require('tty').isatty(1));
const util = require('node:util');
const addAsync = util.promisify((a, b, cb) => setTimeout(() => cb(null, a + b), 1));
function Base() {}
function Derived() { Base.call(this); }
util.inherits(Derived, Base);
out.push('util:' + (new Derived() instanceof Base) + ',' + util.types.isUint8Array(Buffer.alloc(1)) + ',' + await addAsync(1, 3));
out.push('buffer:' + (Buffer === require('buffer').Buffer) + ',' + Buffer.from('test').toString('base64url'));
out.push('path:' + require('path').join('/a/b', '../c'));
out.push('qs:' + require('querystring').stringify({ a: 1, b: 2 }));
out.push(require('punycode').toASCII('münchen'));
try { require('assert/strict').equal(1, '1'); } catch (e) { out.push('strict:' + e.code); }
const controller = new AbortController();
controller.abort();
out.push('abort:' + controller.signal.aborted);
res.end(out.join('|'));
