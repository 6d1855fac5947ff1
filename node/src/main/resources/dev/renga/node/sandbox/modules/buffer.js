// require('buffer'): feross/buffer (vendor/buffer.js), the one Buffer class (the global Buffer is this module's), with
// Node's atob/btoa and constants. UTF-8 goes through the engine's own TextEncoder/TextDecoder, and long base64, hex
// and latin1 strings are made on the host: the library's own loops for these are many times slower.
(function (internal) {
  'use strict';

  const vendored = internal.require('vendor/buffer');
  const { Buffer } = vendored;
  const HOST_ENCODE_FROM = 64;
  const encoder = new TextEncoder();
  const decoder = new TextDecoder();
  const from = Buffer.from;
  const toString = Buffer.prototype.toString;
  const UTF8 = /^utf-?8$/i;
  const HOST = { base64: 'base64', base64url: 'base64url', hex: 'hex', latin1: 'latin1', binary: 'latin1' };

  // base64url (which the library predates) is base64 with - and _ for + and /, and no padding.
  const isBase64url = (encoding) => typeof encoding === 'string' && encoding.toLowerCase() === 'base64url';
  const fromBase64url = (string) => String(string).replace(/-/g, '+').replace(/_/g, '/');
  const toBase64url = (base64) => base64.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');

  Buffer.from = function (value, encodingOrOffset, length) {
    if (typeof value === 'string') {
      if (encodingOrOffset === undefined || (typeof encodingOrOffset === 'string' && UTF8.test(encodingOrOffset))) {
        const bytes = encoder.encode(value);
        return from(bytes.buffer, bytes.byteOffset, bytes.length);
      }
      if (isBase64url(encodingOrOffset)) return from(fromBase64url(value), 'base64');
    }
    return from(value, encodingOrOffset, length);
  };
  const isEncoding = Buffer.isEncoding;
  Buffer.isEncoding = (encoding) => isBase64url(encoding) || isEncoding(encoding);
  const byteLength = Buffer.byteLength;
  Buffer.byteLength = function (value, encoding) {
    if (typeof value === 'string' && isBase64url(encoding)) return byteLength(fromBase64url(value), 'base64');
    return Reflect.apply(byteLength, this, arguments);
  };
  const write = Buffer.prototype.write;
  Buffer.prototype.write = function (string, offset, length, encoding) {
    if (isBase64url(encoding) || (encoding === undefined && isBase64url(length)) || (length === undefined && encoding === undefined && isBase64url(offset))) {
      const args = Array.from(arguments);
      args[args.length - 1] = 'base64';
      args[0] = fromBase64url(string);
      return Reflect.apply(write, this, args);
    }
    return Reflect.apply(write, this, arguments);
  };
  Buffer.prototype.toString = function (encoding, start, end) {
    if (isBase64url(encoding)) {
      const bytes = arguments.length > 1 ? this.subarray(start, end) : this;
      return bytes.length >= HOST_ENCODE_FROM ? internal.host.encode(bytes.buffer, bytes.byteOffset, bytes.length, 'base64url')
        : toBase64url(Reflect.apply(toString, bytes, ['base64']));
    }
    if (arguments.length <= 1 || (start === undefined && end === undefined)) {
      if (encoding === undefined || encoding === 'utf8' || encoding === 'utf-8') return decoder.decode(this);
      const host = typeof encoding === 'string' ? HOST[encoding.toLowerCase()] : undefined;
      if (host !== undefined && this.length >= HOST_ENCODE_FROM) {
        return internal.host.encode(this.buffer, this.byteOffset, this.length, host);
      }
    }
    return Reflect.apply(toString, this, arguments);
  };

  const invalidCharacter = (message) => {
    const error = new Error(message);
    error.name = 'InvalidCharacterError';
    error.code = 5;
    return error;
  };
  const atob = (data) => {
    const string = String(data).replace(/[\t\n\f\r ]/g, '');
    if (string.length % 4 === 1 || /[^A-Za-z0-9+/=]/.test(string) || /=[^=]/.test(string)) {
      throw invalidCharacter('The string to be decoded is not correctly encoded.');
    }
    return Buffer.from(string, 'base64').toString('latin1');
  };
  const btoa = (data) => {
    const string = String(data);
    for (let i = 0; i < string.length; i++) {
      if (string.charCodeAt(i) > 0xff) throw invalidCharacter('Invalid character');
    }
    return Buffer.from(string, 'latin1').toString('base64');
  };

  const isUtf8 = (input) => {
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(input);
      return true;
    } catch {
      return false;
    }
  };

  return {
    Buffer,
    SlowBuffer: vendored.SlowBuffer,
    INSPECT_MAX_BYTES: vendored.INSPECT_MAX_BYTES,
    kMaxLength: vendored.kMaxLength,
    kStringMaxLength: (1 << 29) - 24,
    constants: Object.freeze({ MAX_LENGTH: vendored.kMaxLength, MAX_STRING_LENGTH: (1 << 29) - 24 }),
    atob,
    btoa,
    isUtf8,
  };
})
