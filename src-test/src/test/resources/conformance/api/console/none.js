// x-haiku-console: none: output only in the node's log; the body is the handler's.
// request-header: x-haiku-console: none
// expect-status: 200
// expect-header-absent: x-haiku-console
// expect-body: handler body
// expect-log: only in the log
console.log('only in the log');
res.end('handler body');
