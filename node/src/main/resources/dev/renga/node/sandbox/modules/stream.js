// require('stream') and require('stream/promises'): readable-stream (vendor/stream.js), Node's own streams published
// for other platforms: Readable, Writable, Duplex, Transform, PassThrough, pipeline, finished, compose, promises.
(function (internal, name) {
  'use strict';

  const stream = internal.require('vendor/stream');
  if (name === 'stream/promises') return stream.promises;
  return stream;
})
