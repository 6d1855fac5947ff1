// require('crypto'): hashes and HMACs (md5, sha1, sha224, sha256, sha384, sha512; also usable as streams, and
// copy()), PBKDF2, randomness, timingSafeEqual, and webcrypto (the global `crypto`: webcrypto.js). Backed by
// java.security/javax.crypto on the host.
(function (internal) {
  'use strict';

  const { Buffer } = internal.require('buffer');
  const { Transform } = internal.require('stream');
  const webcrypto = internal.require('webcrypto');
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

  // The host's running digest stays out of the handler's reach (handlers see update, digest and copy, and, as in Node,
  // a Transform stream: what is written is hashed, and the digest is its one chunk when it ends). A WeakMap, not a
  // private field: this file is evaluated per require episode, and private names made per evaluation pile up in the
  // engine's shared shape tree (RuntimeSourcesTest). null once digest() was called.
  const digests = new WeakMap();
  const kCopy = Symbol('copy');
  class Hash extends Transform {
    constructor(algorithm, key, options) {
      super(options);
      if (key === kCopy) {
        digests.set(this, algorithm);
        return;
      }
      const hmacKey = key === undefined ? null : toBytes(key);
      digests.set(this, host.hash(algorithmOf(algorithm), hmacKey === null ? null : typeof hmacKey === 'string' ? hmacKey : Buffer.from(hmacKey).buffer));
    }
    copy(options) {
      if (digests.get(this) === null) throw Object.assign(new Error('Digest already called'), { code: 'ERR_CRYPTO_HASH_FINALIZED' });
      return new Hash(digests.get(this).copy(), kCopy, options);
    }
    _transform(chunk, encoding, callback) {
      this.update(chunk, encoding === 'buffer' ? undefined : encoding);
      callback();
    }
    _flush(callback) {
      this.push(this.digest());
      callback();
    }
    update(data, encoding) {
      if (digests.get(this) === null) throw Object.assign(new Error('Digest already called'), { code: 'ERR_CRYPTO_HASH_FINALIZED' });
      feed(digests.get(this), toBytes(data, encoding));
      return this;
    }
    digest(encoding) {
      const digest = digests.get(this);
      if (digest === null) throw new Error('Digest already called');
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

  const pbkdf2Sync = (password, salt, iterations, keylen, digest) => {
    if (!Number.isInteger(iterations) || iterations < 1) throw new RangeError('The value of "iterations" is out of range. It must be >= 1. Received ' + iterations);
    if (!Number.isInteger(keylen) || keylen < 0) throw new RangeError('The value of "keylen" is out of range. It must be >= 0. Received ' + keylen);
    if (typeof digest !== 'string') throw new TypeError('The "digest" argument must be of type string. Received ' + typeof digest);
    const asBuffer = (value) => Buffer.from(typeof value === 'string' ? Buffer.from(value, 'utf8') : toBytes(value)).buffer;
    return fromHost(host.pbkdf2(asBuffer(password), asBuffer(salt), iterations, keylen, algorithmOf(digest)));
  };
  // The derivation runs on the request's thread, as every host call does; the callback comes after it, as in Node.
  const pbkdf2 = (password, salt, iterations, keylen, digest, callback) => {
    if (typeof callback !== 'function') throw new TypeError('The "callback" argument must be of type function. Received ' + typeof callback);
    const key = pbkdf2Sync(password, salt, iterations, keylen, digest);
    internal.timers.setImmediate(() => callback(null, key));
  };

  const { getRandomValues, randomUUID } = webcrypto;

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

  return {
    createHash,
    createHmac,
    randomBytes,
    randomUUID,
    randomInt,
    getRandomValues,
    timingSafeEqual,
    pbkdf2,
    pbkdf2Sync,
    subtle: webcrypto.subtle,
    constants: Object.freeze({}),
    getHashes: () => ALGORITHMS.slice(),
    webcrypto,
    Hash,
  };
})
