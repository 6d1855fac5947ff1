// require('crypto'): hashes and HMACs (md5, sha1, sha224, sha256, sha384, sha512), randomness, timingSafeEqual, and
// the Web Crypto subset on the global `crypto` (getRandomValues, randomUUID). Backed by java.security on the host.
(function (internal) {
  'use strict';

  const { Buffer } = internal.require('buffer');
  const host = internal.host;
  const ALGORITHMS = ['md5', 'sha1', 'sha224', 'sha256', 'sha384', 'sha512'];

  const algorithmOf = (name) => {
    const normalized = String(name).toLowerCase().replace(/-/g, '');
    if (!ALGORITHMS.includes(normalized)) throw new Error('Digest method not supported: ' + name + ' (available: ' + ALGORITHMS.join(', ') + ')');
    return normalized;
  };

  // A Uint8Array from a host buffer (a digest, random bytes).
  const fromHost = (foreign) => {
    const view = new Uint8Array(foreign);
    const copy = Buffer.allocUnsafe(view.length);
    copy.set(view);
    return copy;
  };

  const toBytes = (data, encoding) => {
    if (typeof data === 'string') return encoding === undefined || encoding === 'utf8' || encoding === 'utf-8' ? data : Buffer.from(data, encoding);
    if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    if (data instanceof ArrayBuffer) return new Uint8Array(data);
    throw new TypeError('The "data" argument must be of type string or an instance of Buffer, TypedArray, or DataView');
  };

  const feed = (digest, bytes) => {
    if (typeof bytes === 'string') digest.update(bytes);
    else digest.update(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  };

  // The host's running digest stays out of the handler's reach: handlers see only update and digest. A WeakMap, not a
  // private field: this file is evaluated per require episode, and private names made per evaluation pile up in the
  // engine's shared shape tree (RuntimeSourcesTest).
  const digests = new WeakMap();
  const running = (hash) => {
    const digest = digests.get(hash);
    if (digest === null) throw new Error('Digest already called');
    return digest;
  };
  class Hash {
    constructor(algorithm, key) {
      const hmacKey = key === undefined ? null : toBytes(key);
      digests.set(this, host.hash(algorithmOf(algorithm), hmacKey === null ? null : typeof hmacKey === 'string' ? hmacKey : Buffer.from(hmacKey).buffer));
    }
    update(data, encoding) {
      feed(running(this), toBytes(data, encoding));
      return this;
    }
    digest(encoding) {
      const digest = running(this);
      digests.set(this, null);
      const bytes = fromHost(digest.digest());
      return encoding === undefined || encoding === 'buffer' ? bytes : bytes.toString(encoding);
    }
  }

  const createHash = (algorithm) => new Hash(algorithm);
  const createHmac = (algorithm, key) => {
    if (key === undefined || key === null) throw new TypeError('The "key" argument must be of type string or an instance of Buffer, TypedArray, or DataView');
    return new Hash(algorithm, key);
  };

  const randomBytes = (size, callback) => {
    if (!Number.isInteger(size) || size < 0 || size > 1048576) throw new RangeError('The value of "size" is out of range. It must be >= 0 && <= 1048576. Received ' + size);
    const bytes = fromHost(host.randomBytes(size));
    if (typeof callback === 'function') { queueMicrotask(() => callback(null, bytes)); return undefined; }
    return bytes;
  };

  const getRandomValues = (array) => {
    if (!ArrayBuffer.isView(array) || array instanceof DataView || array instanceof Float32Array || array instanceof Float64Array) {
      throw new TypeError('The data argument must be an integer-type TypedArray');
    }
    if (array.byteLength > 65536) {
      const error = new Error("The ArrayBufferView's byte length (" + array.byteLength + ') exceeds the number of bytes of entropy available via this API (65536)');
      error.name = 'QuotaExceededError';
      throw error;
    }
    new Uint8Array(array.buffer, array.byteOffset, array.byteLength).set(new Uint8Array(host.randomBytes(array.byteLength)));
    return array;
  };

  const randomUUID = () => host.randomUUID();

  const randomInt = (min, max, callback) => {
    if (max === undefined || typeof max === 'function') { callback = max; max = min; min = 0; }
    if (!Number.isSafeInteger(min) || !Number.isSafeInteger(max) || max <= min) throw new RangeError('The "max" argument must be greater than "min"');
    const range = max - min;
    const bytes = new Uint8Array(host.randomBytes(6));
    const value = min + Math.floor(((bytes[0] * 2 ** 40) + (bytes[1] * 2 ** 32) + (bytes[2] * 2 ** 24) + (bytes[3] << 16 >>> 0) + (bytes[4] << 8) + bytes[5]) / 2 ** 48 * range);
    if (typeof callback === 'function') { queueMicrotask(() => callback(null, value)); return undefined; }
    return value;
  };

  const timingSafeEqual = (a, b) => {
    if (!ArrayBuffer.isView(a) || !ArrayBuffer.isView(b)) throw new TypeError('The "buf1" and "buf2" arguments must be instances of Buffer, TypedArray, or DataView');
    if (a.byteLength !== b.byteLength) throw new RangeError('Input buffers must have the same byte length');
    const x = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
    const y = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
    let diff = 0;
    for (let i = 0; i < x.length; i++) diff |= x[i] ^ y[i];
    return diff === 0;
  };

  const webcrypto = Object.freeze({ getRandomValues, randomUUID });

  return {
    createHash,
    createHmac,
    randomBytes,
    randomUUID,
    randomInt,
    getRandomValues,
    timingSafeEqual,
    getHashes: () => ALGORITHMS.slice(),
    webcrypto,
    Hash,
  };
})
