// require('querystring'): the npm querystring-es3 library (vendor/querystring.js: parse/decode, stringify/encode), with
// Node's escape and unescape, which that library leaves out and which stringify and parse are documented to use.
(function (internal) {
  'use strict';

  const qs = internal.require('vendor/querystring');
  // Node's qs.escape: percent-encoding as encodeURIComponent does it (lone surrogates throw URIError, as in Node).
  const escape = (str) => encodeURIComponent(typeof str === 'string' ? str : String(str));
  // Node's qs.unescape: decodeURIComponent, and on malformed input the bytes it can decode, as Node does.
  const unescape = (str) => {
    try {
      return decodeURIComponent(str);
    } catch {
      return String(str).replace(/%([0-9a-fA-F]{2})/g, (_, hex) => String.fromCharCode(parseInt(hex, 16)));
    }
  };
  return Object.freeze({ ...qs, escape, unescape });
})
