// Streams a first chunk, then fails: the client's response must be cut off, never look whole.
res.write('partial\n');
setTimeout(() => {
  throw new Error('broken after the head was sent');
}, 200);
