// console.log/info/warn/error: with x-haiku-console none (the default) the output goes to the node's log with the
// request id, and the response is the handler's own.
// expect-status: 200
// expect-body: logged
// expect-log: conformance console.log {"n":1}
// expect-log: conformance console.info
// expect-log: conformance console.warn
// expect-log: conformance console.error
console.log('conformance console.log', { n: 1 });
console.info('conformance console.info');
console.warn('conformance console.warn');
console.error('conformance console.error');
res.end('logged');
