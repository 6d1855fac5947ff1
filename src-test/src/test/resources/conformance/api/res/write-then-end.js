// res.write takes strings, Buffers, typed arrays and ArrayBuffers; end(chunk) appends the last one.
// expect-status: 200
// expect-body: abcdé!
res.write('a');
res.write(Buffer.from('b'));
res.write(new Uint8Array([99]));
res.write(new Uint8Array([100]).buffer);
res.write('é');
res.end('!');
