// require('querystring'): Node's parse/stringify/escape/unescape.
(function (internal) {
  'use strict';

  const unescape = (string) => {
    try {
      return decodeURIComponent(string);
    } catch (e) {
      // Malformed sequences stay as they are, byte by byte, as in Node.
      return string.replace(/%([0-9a-fA-F]{2})/g, (match, hex) => {
        const code = parseInt(hex, 16);
        return code < 0x80 ? String.fromCharCode(code) : match;
      });
    }
  };

  const escape = (string) => encodeURIComponent(string).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());

  const stringifyPrimitive = (value) => {
    if (typeof value === 'string') return value;
    if ((typeof value === 'number' && Number.isFinite(value)) || typeof value === 'bigint' || typeof value === 'boolean') return String(value);
    return '';
  };

  const parse = (string, sep = '&', eq = '=', options = {}) => {
    const result = Object.create(null);
    if (typeof string !== 'string' || string.length === 0) return result;
    const decode = typeof options.decodeURIComponent === 'function' ? options.decodeURIComponent : unescape;
    const maxKeys = typeof options.maxKeys === 'number' ? options.maxKeys : 1000;
    let parts = string.split(sep);
    if (maxKeys > 0 && parts.length > maxKeys) parts = parts.slice(0, maxKeys);
    for (const part of parts) {
      if (part.length === 0) continue;
      const at = part.indexOf(eq);
      const rawKey = at >= 0 ? part.slice(0, at) : part;
      const rawValue = at >= 0 ? part.slice(at + eq.length) : '';
      const key = decode(rawKey.replace(/\+/g, ' '));
      const value = decode(rawValue.replace(/\+/g, ' '));
      if (!(key in result)) result[key] = value;
      else if (Array.isArray(result[key])) result[key].push(value);
      else result[key] = [result[key], value];
    }
    return result;
  };

  const stringify = (object, sep = '&', eq = '=', options = {}) => {
    if (object === null || typeof object !== 'object') return '';
    const encode = typeof options.encodeURIComponent === 'function' ? options.encodeURIComponent : escape;
    const parts = [];
    for (const key of Object.keys(object)) {
      const value = object[key];
      const name = encode(stringifyPrimitive(key));
      if (Array.isArray(value)) for (const v of value) parts.push(name + eq + encode(stringifyPrimitive(v)));
      else parts.push(name + eq + encode(stringifyPrimitive(value)));
    }
    return parts.join(sep);
  };

  return { parse, stringify, escape, unescape, decode: parse, encode: stringify };
})
