// x-haiku-console: trailer: the response announces Trailer: x-haiku-console, is chunked, and ends with the console
// output up to end(), URL-encoded, as the trailer.
// request-header: x-haiku-console: trailer
// expect-status: 200
// expect-header: trailer: x-haiku-console
// expect-trailer: x-haiku-console: early%0Alate%0A
// expect-body: streamed body
console.log('early');
res.write('streamed ');
console.log('late');
res.end('body');
console.log('after end');
