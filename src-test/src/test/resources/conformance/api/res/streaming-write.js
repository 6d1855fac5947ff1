// DESIGN §5: res.write(chunk) streams chunked to the client as written: the first chunk arrives while the handler
// still waits for its timer.
// expect-status: 200
// expect-header: transfer-encoding: chunked
// expect-streamed: first
// expect-body: first\nlast\n
res.setHeader('content-type', 'text/plain');
res.write('first\n');
setTimeout(() => res.end('last\n'), 800);
