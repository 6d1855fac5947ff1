// V8's Error.stackTraceLimit and Error.prepareStackTrace, as npm packages set them: redis-errors (under ioredis)
// lowers the limit around making a ReplyError and puts the old value back. Assigning works under both levels (under
// `scope` Error is frozen and shared), a subclass gets its own value, and what a request leaves behind is not seen by
// the next (run three times).
// expect-status: 200
// expect-body: 10|undefined|ReplyError: boom|2|10|50|3|50|true
const out = [String(Error.stackTraceLimit), typeof Error.prepareStackTrace];
let during;
function ReplyError(message) {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 2;
  during = Error.stackTraceLimit;
  const error = new Error(message);
  Error.stackTraceLimit = limit;
  Object.defineProperty(this, 'message', { value: error.message });
}
ReplyError.prototype.name = 'ReplyError';
ReplyError.prototype.toString = function () { return this.name + ': ' + this.message; };
out.push(String(new ReplyError('boom')), String(during), String(Error.stackTraceLimit));
Error.stackTraceLimit = 50;
Error.prepareStackTrace = (error, frames) => frames;
class Sub extends Error {}
Sub.stackTraceLimit = 3;
out.push(String(Error.stackTraceLimit), String(Sub.stackTraceLimit), String(Error.stackTraceLimit),
  String(Object.getOwnPropertyDescriptor(Sub, 'stackTraceLimit').value === 3));
res.end(out.join('|'));
