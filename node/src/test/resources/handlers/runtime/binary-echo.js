// Echoes the body's bytes as received through 'data' events (Buffers), with their hex as a header.
const chunks = [];
req.on('data', (chunk) => chunks.push(chunk));
req.on('end', () => {
  const body = Buffer.concat(chunks);
  res.setHeader('x-is-buffer', String(Buffer.isBuffer(chunks[0])));
  res.setHeader('x-length', String(body.length));
  res.write(body.subarray(0, 1));
  res.write(new Uint8Array(body.subarray(1, 2)));
  res.end(body.subarray(2));
});
