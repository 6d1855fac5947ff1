// The node's log keeps at most renga.sandbox.console.log-max-bytes (64 KiB) of one request's console output, then
// says the rest was cut: a handler cannot flood the log.
// expect-status: 200
// expect-body: done
// expect-log: console output cut: this request wrote more than renga.sandbox.console.log-max-bytes
const line = 'x'.repeat(1024);
for (let i = 0; i < 200; i++) {
  console.log(line);
}
res.end('done');
