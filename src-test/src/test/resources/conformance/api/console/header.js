// x-haiku-console: header: output written before the headers were sent, URL-encoded (newline = %0A), in the
// x-haiku-console response header.
// request-header: x-haiku-console: header
// expect-status: 200
// expect-header-contains: x-haiku-console: one%0Atwo%0A
// expect-body: body kept
console.log('one');
console.log('two');
res.write('body ');
console.log('after-headers-sent');
res.end('kept');
