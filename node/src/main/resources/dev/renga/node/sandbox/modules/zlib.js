// require('zlib'): gzip, deflate and raw deflate, and their inverses (unzip takes gzip or zlib), as streams, with
// callbacks, and *Sync; made of pako (vendor/pako.js, a port of zlib itself), so the bytes are zlib's.
(function (internal) {
  'use strict';

  const pako = internal.require('vendor/pako');
  const { Buffer } = internal.require('buffer');
  const { Transform } = internal.require('stream');

  const constants = Object.freeze({
    Z_NO_FLUSH: 0, Z_PARTIAL_FLUSH: 1, Z_SYNC_FLUSH: 2, Z_FULL_FLUSH: 3, Z_FINISH: 4, Z_BLOCK: 5,
    Z_OK: 0, Z_STREAM_END: 1, Z_NEED_DICT: 2, Z_ERRNO: -1, Z_STREAM_ERROR: -2, Z_DATA_ERROR: -3, Z_MEM_ERROR: -4,
    Z_BUF_ERROR: -5, Z_VERSION_ERROR: -6,
    Z_NO_COMPRESSION: 0, Z_BEST_SPEED: 1, Z_BEST_COMPRESSION: 9, Z_DEFAULT_COMPRESSION: -1,
    Z_FILTERED: 1, Z_HUFFMAN_ONLY: 2, Z_RLE: 3, Z_FIXED: 4, Z_DEFAULT_STRATEGY: 0, ZLIB_VERNUM: 4865,
    DEFLATE: 1, INFLATE: 2, GZIP: 3, GUNZIP: 4, DEFLATERAW: 5, INFLATERAW: 6, UNZIP: 7,
    Z_MIN_WINDOWBITS: 8, Z_MAX_WINDOWBITS: 15, Z_DEFAULT_WINDOWBITS: 15, Z_MIN_CHUNK: 64, Z_MAX_CHUNK: Infinity,
    Z_DEFAULT_CHUNK: 16384, Z_MIN_MEMLEVEL: 1, Z_MAX_MEMLEVEL: 9, Z_DEFAULT_MEMLEVEL: 8, Z_MIN_LEVEL: -1,
    Z_MAX_LEVEL: 9, Z_DEFAULT_LEVEL: -1,
  });
  const CODES = { 2: 'Z_NEED_DICT', '-2': 'Z_STREAM_ERROR', '-3': 'Z_DATA_ERROR', '-4': 'Z_MEM_ERROR', '-5': 'Z_BUF_ERROR' };

  const zlibError = (message, errno) => {
    const error = new Error(message);
    error.errno = errno;
    error.code = CODES[errno] || 'Z_DATA_ERROR';
    return error;
  };

  // pako's options for one kind of stream, from Node's.
  const KINDS = {
    Gzip: { deflate: true, gzip: true },
    Deflate: { deflate: true },
    DeflateRaw: { deflate: true, raw: true },
    Gunzip: { windowBits: 15 + 16 },
    Inflate: { windowBits: 15 },
    InflateRaw: { raw: true },
    Unzip: { windowBits: 15 + 32 },
  };
  const engineFor = (kind, options = {}) => {
    const settings = {
      level: options.level === undefined ? constants.Z_DEFAULT_COMPRESSION : options.level,
      memLevel: options.memLevel === undefined ? constants.Z_DEFAULT_MEMLEVEL : options.memLevel,
      strategy: options.strategy === undefined ? constants.Z_DEFAULT_STRATEGY : options.strategy,
      chunkSize: options.chunkSize || constants.Z_DEFAULT_CHUNK,
      gzip: KINDS[kind].gzip,
      raw: KINDS[kind].raw,
    };
    if (options.dictionary !== undefined) settings.dictionary = options.dictionary;
    if (KINDS[kind].deflate) {
      if (options.windowBits !== undefined) settings.windowBits = options.windowBits;
      return new pako.Deflate(settings);
    }
    settings.windowBits = KINDS[kind].windowBits !== undefined
      ? (options.windowBits || 15) + (KINDS[kind].windowBits - 15) : options.windowBits || 15;
    if (KINDS[kind].raw) settings.windowBits = options.windowBits || 15;
    return new pako.Inflate(settings);
  };

  const bytesOf = (data) => {
    if (typeof data === 'string') return Buffer.from(data, 'utf8');
    if (data instanceof ArrayBuffer) return new Uint8Array(data);
    if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    const error = new TypeError('The "buffer" argument must be of type string or an instance of Buffer, TypedArray, DataView, or ArrayBuffer');
    error.code = 'ERR_INVALID_ARG_TYPE';
    throw error;
  };
  const asBuffer = (chunk) => Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);

  // Runs all of `data` through a new engine: the output's chunks, or throws zlib's error.
  const runAll = (kind, data, options) => {
    const engine = engineFor(kind, options);
    const chunks = [];
    engine.onData = (chunk) => chunks.push(Buffer.from(chunk));
    engine.push(bytesOf(data), true);
    if (engine.err) throw zlibError(engine.msg || 'zlib error', engine.err);
    if (!KINDS[kind].deflate && !engine.ended) throw zlibError('unexpected end of file', constants.Z_BUF_ERROR);
    return Buffer.concat(chunks);
  };

  // The stream form: what is written goes through the engine; the end finishes it.
  class Zlib extends Transform {
    constructor(kind, options = {}) {
      super(options);
      this._kind = kind;
      this._engine = engineFor(kind, options);
      this._engine.onData = (chunk) => this.push(asBuffer(chunk.slice()));
      this.bytesWritten = 0;
    }
    _check() {
      if (this._engine.err) return zlibError(this._engine.msg || 'zlib error', this._engine.err);
      return null;
    }
    _transform(chunk, encoding, callback) {
      const bytes = bytesOf(typeof chunk === 'string' ? Buffer.from(chunk, encoding) : chunk);
      this.bytesWritten += bytes.length;
      if (!this._engine.ended) this._engine.push(bytes, constants.Z_NO_FLUSH);
      callback(this._check());
    }
    _flush(callback) {
      if (!this._engine.ended) this._engine.push(new Uint8Array(0), true);
      const error = this._check();
      if (error) return callback(error);
      if (!KINDS[this._kind].deflate && !this._engine.ended) return callback(zlibError('unexpected end of file', constants.Z_BUF_ERROR));
      callback();
    }
    params(level, strategy, callback) { if (typeof callback === 'function') internal.timers.queueMicrotask(callback); }
    reset() { this._engine = engineFor(this._kind, {}); }
    close(callback) { this.destroy(); if (typeof callback === 'function') internal.timers.queueMicrotask(callback); }
  }

  const exported = { constants, codes: Object.freeze({ ...CODES, Z_OK: 0, Z_STREAM_END: 1 }) };
  for (const kind of Object.keys(KINDS)) {
    const Kind = { [kind]: class extends Zlib { constructor(options) { super(kind, options); } } }[kind];
    const lower = kind[0].toLowerCase() + kind.slice(1);
    exported[kind] = Kind;
    exported['create' + kind] = (options) => new Kind(options);
    exported[lower + 'Sync'] = (data, options) => runAll(kind, data, options);
    exported[lower] = (data, options, callback) => {
      if (typeof options === 'function') { callback = options; options = {}; }
      if (typeof callback !== 'function') throw new TypeError('The "callback" argument must be of type function. Received ' + typeof callback);
      let result;
      let error = null;
      try { result = runAll(kind, data, options); } catch (e) { error = e; }
      internal.timers.setImmediate(() => (error ? callback(error) : callback(null, result)));
    };
  }
  for (const name of Object.keys(constants)) exported[name] = constants[name];
  exported.crc32 = (data, value = 0) => {
    let crc = (value ^ -1) >>> 0;
    for (const byte of bytesOf(data)) {
      crc ^= byte;
      for (let k = 0; k < 8; k++) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
    }
    return (crc ^ -1) >>> 0;
  };
  return exported;
})
