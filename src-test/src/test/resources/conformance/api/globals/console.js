// console.log/info/warn/error: with x-haiku-console none (the default) the output goes to the node's log with the
// request id, and the response is the handler's own. Arguments are formatted as Node's util.format does.
// expect-status: 200
// expect-body: logged
// expect-log: conformance console.log { n: 1, list: [ 'a', 2 ] }
// expect-log: conformance format: 42% done
// expect-log: { conformance: 'console.dir', deep: { deeper: { deepest: [Object] } } }
// expect-log: conformance console.info
// expect-log: conformance console.warn
// expect-log: conformance console.error
console.log('conformance console.log', { n: 1, list: ['a', 2] });
console.log('conformance %s: %d%% done', 'format', 42);
console.dir({ conformance: 'console.dir', deep: { deeper: { deepest: { gone: 1 } } } });
console.info('conformance console.info');
console.warn('conformance console.warn');
console.error('conformance console.error');
res.end('logged');
