// require('buffer'): a Node-compatible subset of Buffer (a Uint8Array subclass), atob and btoa.
// UTF-8 and UTF-16 go through the engine's native TextEncoder/TextDecoder; base64, hex and latin1 encoding of large
// buffers through the host (java.util.Base64), everything else in plain JS.
(function (internal) {
  'use strict';

  const utf8Encoder = new TextEncoder();
  const utf8Decoder = new TextDecoder('utf-8');
  const utf16Decoder = new TextDecoder('utf-16le');
  const HOST_ENCODE_FROM = 64;

  const normalizeEncoding = (encoding) => {
    if (encoding === undefined || encoding === null) return 'utf8';
    switch (String(encoding).toLowerCase()) {
      case 'utf8': case 'utf-8': return 'utf8';
      case 'hex': return 'hex';
      case 'base64': return 'base64';
      case 'base64url': return 'base64url';
      case 'latin1': case 'binary': return 'latin1';
      case 'ascii': return 'ascii';
      case 'ucs2': case 'ucs-2': case 'utf16le': case 'utf-16le': return 'utf16le';
      default: return undefined;
    }
  };
  const encodingOf = (encoding) => {
    const normalized = normalizeEncoding(encoding);
    if (normalized === undefined) throw new TypeError('Unknown encoding: ' + encoding);
    return normalized;
  };

  const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  // Lookup tables are built on first use: most requests never need them.
  let BASE64_VALUES;
  const base64Values = () => {
    if (BASE64_VALUES === undefined) {
      BASE64_VALUES = new Int16Array(128).fill(-1);
      for (let i = 0; i < 64; i++) BASE64_VALUES[BASE64.charCodeAt(i)] = i;
      BASE64_VALUES[45] = 62; // '-' (base64url)
      BASE64_VALUES[95] = 63; // '_'
    }
    return BASE64_VALUES;
  };

  const decodeBase64 = (string) => {
    const values = base64Values();
    const out = new Uint8Array(Math.ceil(string.length * 3 / 4));
    let bits = 0;
    let count = 0;
    let length = 0;
    for (let i = 0; i < string.length; i++) {
      const code = string.charCodeAt(i);
      if (code === 61) break; // '=' ends the data
      const value = code < 128 ? values[code] : -1;
      if (value < 0) continue; // Node skips whitespace and other characters
      bits = (bits << 6) | value;
      count += 6;
      if (count >= 8) {
        count -= 8;
        out[length++] = (bits >> count) & 0xff;
      }
    }
    return out.subarray(0, length);
  };

  const encodeBase64 = (bytes, url) => {
    let out = '';
    const alphabet = url ? BASE64.slice(0, 62) + '-_' : BASE64;
    let i = 0;
    for (; i + 2 < bytes.length; i += 3) {
      const n = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
      out += alphabet[n >> 18] + alphabet[(n >> 12) & 63] + alphabet[(n >> 6) & 63] + alphabet[n & 63];
    }
    if (i < bytes.length) {
      const n = (bytes[i] << 16) | ((i + 1 < bytes.length ? bytes[i + 1] : 0) << 8);
      out += alphabet[n >> 18] + alphabet[(n >> 12) & 63];
      if (i + 1 < bytes.length) out += alphabet[(n >> 6) & 63];
      if (!url) out += i + 1 < bytes.length ? '=' : '==';
    }
    return out;
  };

  const decodeHex = (string) => {
    const length = string.length >>> 1;
    const out = new Uint8Array(length);
    let i = 0;
    for (; i < length; i++) {
      const byte = parseInt(string.substr(i * 2, 2), 16);
      if (Number.isNaN(byte)) break; // Node stops at the first invalid pair
      out[i] = byte;
    }
    return out.subarray(0, i);
  };

  const hexByte = (b) => (b < 16 ? '0' : '') + b.toString(16);

  const latin1String = (bytes, mask) => {
    let out = '';
    for (let i = 0; i < bytes.length; i += 8192) {
      const part = bytes.subarray(i, Math.min(bytes.length, i + 8192));
      out += String.fromCharCode.apply(null, mask === 0xff ? part : Array.from(part, (b) => b & mask));
    }
    return out;
  };

  const latin1Bytes = (string) => {
    const out = new Uint8Array(string.length);
    for (let i = 0; i < string.length; i++) out[i] = string.charCodeAt(i) & 0xff;
    return out;
  };

  const utf16Bytes = (string) => {
    const out = new Uint8Array(string.length * 2);
    for (let i = 0; i < string.length; i++) {
      const code = string.charCodeAt(i);
      out[2 * i] = code & 0xff;
      out[2 * i + 1] = code >> 8;
    }
    return out;
  };

  const stringToBytes = (string, encoding) => {
    switch (encodingOf(encoding)) {
      case 'utf8': return utf8Encoder.encode(string);
      case 'hex': return decodeHex(string);
      case 'base64': case 'base64url': return decodeBase64(string);
      case 'latin1': case 'ascii': return latin1Bytes(string);
      case 'utf16le': return utf16Bytes(string);
    }
  };

  const bytesToString = (bytes, encoding) => {
    const enc = encodingOf(encoding);
    if (bytes.length === 0) return '';
    switch (enc) {
      case 'utf8': return utf8Decoder.decode(bytes);
      case 'utf16le': return utf16Decoder.decode(bytes.length % 2 === 0 ? bytes : bytes.subarray(0, bytes.length - 1));
      case 'ascii': return latin1String(bytes, 0x7f);
    }
    if (bytes.length >= HOST_ENCODE_FROM) return internal.host.encode(bytes.buffer, bytes.byteOffset, bytes.length, enc);
    switch (enc) {
      case 'hex': { let out = ''; for (let i = 0; i < bytes.length; i++) out += hexByte(bytes[i]); return out; }
      case 'base64': return encodeBase64(bytes, false);
      case 'base64url': return encodeBase64(bytes, true);
      case 'latin1': return latin1String(bytes, 0xff);
    }
  };

  const isBytes = (value) => value instanceof Uint8Array;

  class Buffer extends Uint8Array {
    // new Buffer(size) and new Buffer(arrayBuffer, offset, length) as Uint8Array; other forms as Buffer.from.
    constructor(value, encodingOrOffset, length) {
      if (typeof value === 'number' || value instanceof ArrayBuffer || value === undefined) {
        super(value === undefined ? 0 : value, encodingOrOffset, length);
      } else {
        const bytes = Buffer.from(value, encodingOrOffset, length);
        super(bytes.buffer, bytes.byteOffset, bytes.length);
      }
    }

    static from(value, encodingOrOffset, length) {
      if (typeof value === 'string') {
        const bytes = stringToBytes(value, encodingOrOffset);
        return new Buffer(bytes.buffer, bytes.byteOffset, bytes.length);
      }
      if (value instanceof ArrayBuffer || (typeof SharedArrayBuffer !== 'undefined' && value instanceof SharedArrayBuffer)) {
        const offset = encodingOrOffset === undefined ? 0 : Number(encodingOrOffset);
        return new Buffer(value, offset, length === undefined ? value.byteLength - offset : Number(length));
      }
      if (ArrayBuffer.isView(value)) {
        const copy = new Buffer(value.byteLength);
        copy.set(new Uint8Array(value.buffer, value.byteOffset, value.byteLength));
        return copy;
      }
      if (value !== null && typeof value === 'object') {
        if (value.type === 'Buffer' && Array.isArray(value.data)) return Buffer.from(value.data);
        if (typeof value.length === 'number' || Array.isArray(value)) {
          const copy = new Buffer(value.length >>> 0);
          for (let i = 0; i < copy.length; i++) copy[i] = Number(value[i]) & 0xff;
          return copy;
        }
        if (typeof value.valueOf === 'function' && value.valueOf() !== value) return Buffer.from(value.valueOf(), encodingOrOffset, length);
      }
      throw new TypeError('The first argument must be of type string or an instance of Buffer, ArrayBuffer, or Array or an Array-like Object. Received ' + (value === null ? 'null' : typeof value));
    }

    static alloc(size, fill, encoding) {
      const buffer = new Buffer(checkSize(size));
      if (fill !== undefined && fill !== 0) buffer.fill(fill, 0, buffer.length, encoding);
      return buffer;
    }

    static allocUnsafe(size) { return new Buffer(checkSize(size)); }

    static allocUnsafeSlow(size) { return new Buffer(checkSize(size)); }

    static byteLength(value, encoding) {
      if (typeof value !== 'string') {
        if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return value.byteLength;
        throw new TypeError('The "string" argument must be of type string or an instance of Buffer or ArrayBuffer');
      }
      switch (encodingOf(encoding)) {
        case 'utf8': return utf8Encoder.encode(value).length;
        case 'utf16le': return value.length * 2;
        case 'latin1': case 'ascii': return value.length;
        case 'hex': return value.length >>> 1;
        default: return decodeBase64(value).length;
      }
    }

    static concat(list, totalLength) {
      if (!Array.isArray(list)) throw new TypeError('The "list" argument must be an instance of Array');
      const total = totalLength === undefined ? list.reduce((sum, b) => sum + b.length, 0) : Number(totalLength);
      const out = Buffer.alloc(total);
      let at = 0;
      for (const item of list) {
        if (!isBytes(item)) throw new TypeError('The "list" argument must contain only Buffer or Uint8Array instances');
        if (at >= total) break;
        const part = item.length > total - at ? item.subarray(0, total - at) : item;
        out.set(part, at);
        at += part.length;
      }
      return out;
    }

    static isBuffer(value) { return value instanceof Buffer; }

    static isEncoding(encoding) { return typeof encoding === 'string' && normalizeEncoding(encoding) !== undefined; }

    static compare(a, b) { return compareBytes(a, b); }

    toString(encoding, start, end) {
      const from = start === undefined ? 0 : Math.max(0, start | 0);
      const to = end === undefined ? this.length : Math.min(this.length, end | 0);
      return from >= to ? '' : bytesToString(this.subarray(from, to), encoding);
    }

    toJSON() { return { type: 'Buffer', data: Array.from(this) }; }

    equals(other) {
      if (!isBytes(other)) throw new TypeError('The "otherBuffer" argument must be an instance of Buffer or Uint8Array');
      return compareBytes(this, other) === 0;
    }

    compare(other) { return compareBytes(this, other); }

    // Node's slice shares memory, unlike Uint8Array's.
    slice(start, end) { return this.subarray(start, end); }

    copy(target, targetStart = 0, sourceStart = 0, sourceEnd = this.length) {
      const part = this.subarray(sourceStart, Math.min(sourceEnd, sourceStart + target.length - targetStart));
      target.set(part, targetStart);
      return part.length;
    }

    write(string, offset, length, encoding) {
      if (typeof offset === 'string') { encoding = offset; offset = 0; length = undefined; }
      else if (typeof length === 'string') { encoding = length; length = undefined; }
      const at = offset === undefined ? 0 : offset >>> 0;
      const bytes = stringToBytes(String(string), encoding);
      const count = Math.min(bytes.length, this.length - at, length === undefined ? Infinity : length >>> 0);
      this.set(bytes.subarray(0, count), at);
      return count;
    }

    fill(value, offset, end, encoding) {
      if (typeof offset === 'string') { encoding = offset; offset = 0; end = this.length; }
      const from = offset === undefined ? 0 : offset >>> 0;
      const to = end === undefined ? this.length : end >>> 0;
      if (typeof value === 'string') {
        const bytes = value.length === 0 ? new Uint8Array([0]) : stringToBytes(value, encoding);
        for (let i = from, j = 0; i < to; i++, j = (j + 1) % bytes.length) this[i] = bytes[j];
        return this;
      }
      if (isBytes(value)) {
        for (let i = from, j = 0; i < to; i++, j = (j + 1) % value.length) this[i] = value[j];
        return this;
      }
      return super.fill(Number(value) & 0xff, from, to);
    }

    indexOf(value, byteOffset, encoding) {
      if (typeof value === 'number') return super.indexOf(value & 0xff, byteOffset);
      const needle = typeof value === 'string' ? stringToBytes(value, encoding) : value;
      const from = byteOffset === undefined ? 0 : byteOffset < 0 ? Math.max(0, this.length + byteOffset) : byteOffset;
      outer: for (let i = from; i <= this.length - needle.length; i++) {
        for (let j = 0; j < needle.length; j++) if (this[i + j] !== needle[j]) continue outer;
        return i;
      }
      return -1;
    }

    includes(value, byteOffset, encoding) { return this.indexOf(value, byteOffset, encoding) !== -1; }

    _view() { return new DataView(this.buffer, this.byteOffset, this.byteLength); }
  }

  const checkSize = (size) => {
    if (typeof size !== 'number' || size < 0 || size > 0x7fffffff || Number.isNaN(size)) {
      throw new RangeError('The argument "size" is invalid. Received ' + size);
    }
    return Math.floor(size);
  };

  const compareBytes = (a, b) => {
    const length = Math.min(a.length, b.length);
    for (let i = 0; i < length; i++) if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
    return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
  };

  // readUInt16LE, writeInt32BE, readDoubleLE, readBigUInt64BE, ... over a DataView, as in Node.
  const accessors = [
    ['UInt8', 'Uint8', 1], ['Int8', 'Int8', 1], ['UInt16', 'Uint16', 2], ['Int16', 'Int16', 2],
    ['UInt32', 'Uint32', 4], ['Int32', 'Int32', 4], ['Float', 'Float32', 4], ['Double', 'Float64', 8],
    ['BigUInt64', 'BigUint64', 8], ['BigInt64', 'BigInt64', 8],
  ];
  const checkOffset = (buffer, offset, size) => {
    if (offset === undefined) return 0;
    if (!Number.isInteger(offset) || offset < 0 || offset + size > buffer.length) {
      throw new RangeError('The value of "offset" is out of range. It must be >= 0 and <= ' + (buffer.length - size) + '. Received ' + offset);
    }
    return offset;
  };
  for (const [name, view, size] of accessors) {
    const endings = size === 1 ? [['', false]] : [['LE', true], ['BE', false]];
    for (const [suffix, little] of endings) {
      Buffer.prototype['read' + name + suffix] = function (offset) {
        return this._view()['get' + view](checkOffset(this, offset, size), little);
      };
      Buffer.prototype['write' + name + suffix] = function (value, offset) {
        const at = checkOffset(this, offset, size);
        this._view()['set' + view](at, value, little);
        return at + size;
      };
      if (name.startsWith('UInt')) {
        Buffer.prototype['readUint' + name.slice(4) + suffix] = Buffer.prototype['read' + name + suffix];
        Buffer.prototype['writeUint' + name.slice(4) + suffix] = Buffer.prototype['write' + name + suffix];
      }
    }
  }
  Buffer.poolSize = 8192;

  const invalidCharacter = (message) => {
    const error = new Error(message);
    error.name = 'InvalidCharacterError';
    return error;
  };

  const atob = (data) => {
    const string = String(data).replace(/[\t\n\f\r ]/g, '');
    if (string.length % 4 === 1 || /[^A-Za-z0-9+/=]/.test(string) || /=[^=]/.test(string)) {
      throw invalidCharacter('The string to be decoded is not correctly encoded.');
    }
    return latin1String(decodeBase64(string), 0xff);
  };

  const btoa = (data) => {
    const string = String(data);
    for (let i = 0; i < string.length; i++) {
      if (string.charCodeAt(i) > 255) throw invalidCharacter('Invalid character');
    }
    return bytesToString(latin1Bytes(string), 'base64');
  };

  return {
    Buffer,
    atob,
    btoa,
    kMaxLength: 0x7fffffff,
    constants: { MAX_LENGTH: 0x7fffffff, MAX_STRING_LENGTH: (1 << 29) - 24 },
    SlowBuffer: Buffer,
  };
})
