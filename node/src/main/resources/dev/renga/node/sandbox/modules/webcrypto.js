// The global `crypto` and require('crypto').webcrypto: getRandomValues, randomUUID and the SubtleCrypto subset npm
// clients use (pg's SCRAM-SHA-256 among them): digest, importKey (raw HMAC and PBKDF2 keys), sign/verify (HMAC) and
// deriveBits (PBKDF2). Backed by java.security/javax.crypto on the host.
(function (internal) {
  'use strict';

  const host = internal.host;
  const HASHES = { 'SHA-1': 'sha1', 'SHA-256': 'sha256', 'SHA-384': 'sha384', 'SHA-512': 'sha512' };

  const domError = (name, message) => {
    const error = new Error(message);
    error.name = name;
    return error;
  };
  const notSupported = (message) => domError('NotSupportedError', message);

  // A BufferSource as an ArrayBuffer of exactly its bytes (a copy, so later changes to the caller's view do not count).
  const bytesOf = (data, what) => {
    if (data instanceof ArrayBuffer) return data.slice(0);
    if (ArrayBuffer.isView(data)) return data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength);
    throw new TypeError('Failed to execute: ' + what + ' is not of type BufferSource');
  };
  const fromHost = (foreign) => {
    const view = new Uint8Array(foreign);
    const copy = new Uint8Array(view.length);
    copy.set(view);
    return copy.buffer;
  };
  const nameOf = (algorithm) => (typeof algorithm === 'string' ? algorithm : algorithm && algorithm.name);
  const hashOf = (algorithm) => {
    const name = String(nameOf(algorithm) || '').toUpperCase();
    const hash = HASHES[name];
    if (hash === undefined) throw notSupported('Unrecognized hash algorithm: ' + nameOf(algorithm) + ' (supported: ' + Object.keys(HASHES).join(', ') + ')');
    return hash;
  };
  const hmac = (hash, key, data) => {
    const running = host.hash(hash, key);
    running.update(data);
    return fromHost(running.digest());
  };

  // Key material stays out of reach, in a WeakMap (not a private field: this file is evaluated per require episode, and
  // private names made per evaluation pile up in the engine's shared shape tree); handlers see the standard CryptoKey
  // properties only.
  const materials = new WeakMap();
  class CryptoKey {
    constructor(material, type, algorithm, extractable, usages) {
      materials.set(this, material);
      Object.defineProperties(this, {
        type: { value: type, enumerable: true },
        algorithm: { value: Object.freeze(algorithm), enumerable: true },
        extractable: { value: extractable, enumerable: true },
        usages: { value: Object.freeze(usages.slice()), enumerable: true },
      });
    }
    static material(key) {
      if (!materials.has(key)) throw new TypeError('The key is not a CryptoKey');
      return materials.get(key);
    }
  }
  const keyFor = (key, algorithm, usage) => {
    if (!(key instanceof CryptoKey)) throw new TypeError("Failed to execute: parameter 'key' is not of type 'CryptoKey'");
    if (key.algorithm.name !== algorithm) throw domError('InvalidAccessError', 'The key is a ' + key.algorithm.name + ' key, not ' + algorithm);
    if (!key.usages.includes(usage)) throw domError('InvalidAccessError', "The key's usages do not include '" + usage + "'");
    return CryptoKey.material(key);
  };

  const run = (work) => new Promise((resolve) => resolve(work()));

  const subtle = Object.freeze({
    digest: (algorithm, data) => run(() => {
      const running = host.hash(hashOf(algorithm), null);
      running.update(bytesOf(data, 'data'));
      return fromHost(running.digest());
    }),
    importKey: (format, keyData, algorithm, extractable, usages) => run(() => {
      if (format !== 'raw') throw notSupported("Only 'raw' keys can be imported (format '" + format + "')");
      const material = bytesOf(keyData, 'keyData');
      const name = String(nameOf(algorithm) || '').toUpperCase();
      if (name === 'HMAC') {
        const hash = hashOf(algorithm.hash);
        const hashName = Object.keys(HASHES).find((k) => HASHES[k] === hash);
        const length = algorithm.length === undefined ? material.byteLength * 8 : algorithm.length;
        return new CryptoKey(material, 'secret', { name: 'HMAC', hash: { name: hashName }, length }, Boolean(extractable), usages);
      }
      if (name === 'PBKDF2') {
        if (extractable) throw domError('SyntaxError', 'PBKDF2 keys are not extractable');
        return new CryptoKey(material, 'secret', { name: 'PBKDF2' }, false, usages);
      }
      throw notSupported('Unrecognized key algorithm: ' + nameOf(algorithm) + ' (supported: HMAC, PBKDF2)');
    }),
    exportKey: (format, key) => run(() => {
      if (format !== 'raw') throw notSupported("Only 'raw' keys can be exported");
      if (!key.extractable) throw domError('InvalidAccessError', 'key is not extractable');
      return CryptoKey.material(key).slice(0);
    }),
    sign: (algorithm, key, data) => run(() => {
      const material = keyFor(key, 'HMAC', 'sign');
      return hmac(HASHES[key.algorithm.hash.name], material, bytesOf(data, 'data'));
    }),
    verify: (algorithm, key, signature, data) => run(() => {
      const material = keyFor(key, 'HMAC', 'verify');
      const expected = new Uint8Array(hmac(HASHES[key.algorithm.hash.name], material, bytesOf(data, 'data')));
      const given = new Uint8Array(bytesOf(signature, 'signature'));
      if (given.length !== expected.length) return false;
      let diff = 0;
      for (let i = 0; i < given.length; i++) diff |= given[i] ^ expected[i];
      return diff === 0;
    }),
    deriveBits: (algorithm, key, length) => run(() => {
      if (String(nameOf(algorithm)).toUpperCase() !== 'PBKDF2') throw notSupported('Only PBKDF2 can derive bits');
      const material = keyFor(key, 'PBKDF2', 'deriveBits');
      if (!Number.isInteger(length) || length % 8 !== 0 || length <= 0) throw domError('OperationError', 'length must be a positive multiple of 8');
      if (!Number.isInteger(algorithm.iterations) || algorithm.iterations < 1) throw domError('OperationError', 'iterations must be at least 1');
      return fromHost(host.pbkdf2(material, bytesOf(algorithm.salt, 'salt'), algorithm.iterations, length / 8, hashOf(algorithm.hash)));
    }),
  });

  const getRandomValues = (array) => {
    if (!ArrayBuffer.isView(array) || array instanceof DataView || array instanceof Float32Array || array instanceof Float64Array) {
      const error = new TypeError('The data argument must be an integer-type TypedArray');
      error.name = 'TypeMismatchError';
      throw error;
    }
    if (array.byteLength > 65536) {
      throw domError('QuotaExceededError', "The ArrayBufferView's byte length (" + array.byteLength + ') exceeds the number of bytes of entropy available via this API (65536)');
    }
    new Uint8Array(array.buffer, array.byteOffset, array.byteLength).set(new Uint8Array(host.randomBytes(array.byteLength)));
    return array;
  };

  return Object.freeze({
    getRandomValues,
    randomUUID: () => host.randomUUID(),
    subtle,
    CryptoKey,
  });
})
