// A streamed response whose status allows no body: the head goes out, the chunks are dropped.
// expect-status: 304
res.writeHead(304, { etag: '"v1"' });
res.write('dropped');
setTimeout(() => res.end('dropped too'), 20);
