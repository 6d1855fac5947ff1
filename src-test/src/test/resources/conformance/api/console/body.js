// DESIGN §4 x-haiku-console: body: the response carries the console output up to end() instead of the handler's
// body; status and headers as the handler set them.
// request-header: x-haiku-console: body
// expect-status: 201
// expect-header: x-handler: kept
// expect-body: first line\nsecond 2\n
console.log('first line');
console.log('second', 2);
res.writeHead(201, { 'x-handler': 'kept' });
res.end('the handler body, replaced');
console.log('after end: never returned');
