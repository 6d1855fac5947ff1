// require('url'): WHATWG URL and URLSearchParams (the parts handlers use: parsing, relative resolution, special
// schemes, percent-encoding, search params), plus Node's legacy parse/format/resolve.
(function (internal) {
  'use strict';

  const SPECIAL = { 'http:': '80', 'https:': '443', 'ws:': '80', 'wss:': '443', 'ftp:': '21', 'file:': '' };

  // Percent-encode sets (WHATWG URL §1.3), as predicates on a character.
  const C0 = (c) => c <= 0x1f || c > 0x7e;
  const FRAGMENT = (c) => C0(c) || c === 0x20 || c === 0x22 || c === 0x3c || c === 0x3e || c === 0x60;
  const QUERY = (c) => C0(c) || c === 0x20 || c === 0x22 || c === 0x23 || c === 0x3c || c === 0x3e;
  const SPECIAL_QUERY = (c) => QUERY(c) || c === 0x27;
  const PATH = (c) => QUERY(c) || c === 0x3f || c === 0x5e || c === 0x60 || c === 0x7b || c === 0x7d;
  const USERINFO = (c) => PATH(c) || c === 0x2f || c === 0x3a || c === 0x3b || c === 0x3d || c === 0x40 || (c >= 0x5b && c <= 0x5d) || c === 0x7c;
  const FORM = (c) => !((c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x2a || c === 0x2d || c === 0x2e || c === 0x5f);

  const encoder = new TextEncoder();
  const decoder = new TextDecoder();

  const percentEncode = (string, set, spaceAsPlus) => {
    let out = '';
    for (const ch of string) {
      const code = ch.codePointAt(0);
      if (spaceAsPlus && code === 0x20) { out += '+'; continue; }
      if (code < 0x80 && !set(code)) { out += ch; continue; }
      for (const byte of encoder.encode(ch)) out += '%' + (byte < 16 ? '0' : '') + byte.toString(16).toUpperCase();
    }
    return out;
  };

  const percentDecode = (string) => {
    if (!string.includes('%')) return string;
    const bytes = [];
    const raw = encoder.encode(string);
    for (let i = 0; i < raw.length; i++) {
      const hex = raw[i] === 0x25 && i + 2 < raw.length ? String.fromCharCode(raw[i + 1], raw[i + 2]) : '';
      if (/^[0-9a-fA-F]{2}$/.test(hex)) { bytes.push(parseInt(hex, 16)); i += 2; } else bytes.push(raw[i]);
    }
    return decoder.decode(new Uint8Array(bytes));
  };

  const invalid = (input, base) => {
    const error = new TypeError('Invalid URL' + (input === undefined ? '' : ': ' + input));
    error.code = 'ERR_INVALID_URL';
    error.input = input;
    if (base !== undefined) error.base = base;
    return error;
  };

  const parseHost = (host, special) => {
    if (host.startsWith('[')) {
      if (!host.endsWith(']') || !/^\[[0-9a-fA-F:.]+\]$/.test(host)) return null;
      return host.toLowerCase();
    }
    if (!special) return /[\s#/<>?@[\\\]^|]/.test(host) ? null : percentEncode(host, C0);
    const decoded = percentDecode(host).toLowerCase();
    if (decoded === '' || /[\s#%/:<>?@[\\\]^|\u0000]/.test(decoded)) return null;
    if (/[^\x00-\x7f]/.test(decoded)) return null; // no IDNA mapping here: non-ASCII hosts must come punycoded
    const ipv4 = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(decoded);
    if (ipv4 && ipv4.slice(1).some((part) => Number(part) > 255)) return null;
    return decoded;
  };

  const normalizePath = (segments) => {
    const out = [];
    for (const segment of segments) {
      const s = segment.toLowerCase();
      if (s === '..' || s === '.%2e' || s === '%2e.' || s === '%2e%2e') { if (out.length) out.pop(); }
      else if (s !== '.' && s !== '%2e') out.push(segment);
    }
    const last = segments[segments.length - 1];
    if (segments.length && ['.', '..', '%2e', '%2e%2e', '.%2e', '%2e.'].includes(last.toLowerCase())) out.push('');
    return out;
  };

  // Parses input (against base, itself parsed) into the record a URL holds.
  const parse = (input, base) => {
    let rest = String(input).replace(/^[\u0000-\u0020]+|[\u0000-\u0020]+$/g, '').replace(/[\t\n\r]/g, '');
    // hasHost: the URL has an authority ('//'), even an empty one: foo:///x keeps its '//', foo:/x has none.
    const record = { protocol: '', username: '', password: '', hostname: '', hasHost: false, port: '', path: [], opaque: null, query: null, fragment: null };
    const hash = rest.indexOf('#');
    if (hash >= 0) { record.fragment = percentEncode(rest.slice(hash + 1), FRAGMENT); rest = rest.slice(0, hash); }
    const schemeMatch = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(rest);
    let special;
    if (schemeMatch) {
      record.protocol = schemeMatch[1].toLowerCase() + ':';
      rest = rest.slice(schemeMatch[0].length);
      special = record.protocol in SPECIAL;
      if (special) rest = rest.replace(/\\/g, '/');
      if (special && base && base.protocol === record.protocol && !rest.startsWith('/')) {
        return relative(record, rest, base);
      }
      if (special || rest.startsWith('//')) {
        if (special) rest = rest.replace(/^\/*/, '//');
        return authority(record, rest.slice(2), special);
      }
      // A path without an authority (foo:/x/y).
      if (rest.startsWith('/')) {
        const q = rest.indexOf('?');
        if (q >= 0) { record.query = percentEncode(rest.slice(q + 1), QUERY); rest = rest.slice(0, q); }
        record.path = normalizePath(rest.split('/').slice(1).map((s) => percentEncode(s, PATH)));
        return record;
      }
      // An opaque path (mailto:, data:, ...).
      const q = rest.indexOf('?');
      if (q >= 0) { record.query = percentEncode(rest.slice(q + 1), QUERY); rest = rest.slice(0, q); }
      record.opaque = percentEncode(rest, C0);
      return record;
    }
    if (!base) return null;
    if (base.opaque !== null) {
      if (rest !== '') return null;
      return Object.assign({}, base, { path: [], fragment: record.fragment });
    }
    record.protocol = base.protocol;
    special = record.protocol in SPECIAL;
    if (special) rest = rest.replace(/\\/g, '/');
    if (rest.startsWith('//')) return authority(record, rest.slice(2), special);
    return relative(record, rest, base);
  };

  const relative = (record, rest, base) => {
    const special = record.protocol in SPECIAL;
    Object.assign(record, { username: base.username, password: base.password, hostname: base.hostname, hasHost: base.hasHost, port: base.port });
    const q = rest.indexOf('?');
    let pathPart = rest;
    if (q >= 0) { record.query = percentEncode(rest.slice(q + 1), special ? SPECIAL_QUERY : QUERY); pathPart = rest.slice(0, q); }
    if (pathPart === '') {
      record.path = base.path.slice();
      if (q < 0) record.query = base.query;
      return record;
    }
    const segments = pathPart.split('/').map((s) => percentEncode(s, PATH));
    if (pathPart.startsWith('/')) record.path = normalizePath(segments.slice(1));
    else record.path = normalizePath(base.path.slice(0, -1).concat(segments));
    return record;
  };

  const authority = (record, rest, special) => {
    const end = rest.search(/[/?]/);
    let auth = end < 0 ? rest : rest.slice(0, end);
    rest = end < 0 ? '' : rest.slice(end);
    const at = auth.lastIndexOf('@');
    if (at >= 0) {
      const userinfo = auth.slice(0, at);
      auth = auth.slice(at + 1);
      const colon = userinfo.indexOf(':');
      record.username = percentEncode(colon < 0 ? userinfo : userinfo.slice(0, colon), USERINFO);
      record.password = colon < 0 ? '' : percentEncode(userinfo.slice(colon + 1), USERINFO);
    }
    const portMatch = /:(\d*)$/.exec(auth.startsWith('[') ? auth.slice(auth.indexOf(']')) : auth);
    let host = auth;
    if (portMatch) {
      host = auth.slice(0, auth.length - portMatch[0].length);
      if (portMatch[1] !== '') {
        const port = Number(portMatch[1]);
        if (port > 65535) return null;
        record.port = String(port) === SPECIAL[record.protocol] ? '' : String(port);
      }
    } else if (/:/.test(auth.startsWith('[') ? auth.slice(auth.indexOf(']')) : auth)) {
      return null;
    }
    if (special && record.protocol !== 'file:' && host === '') return null;
    const parsed = host === '' ? '' : parseHost(host, special);
    if (parsed === null) return null;
    record.hostname = parsed;
    record.hasHost = true;
    const q = rest.indexOf('?');
    let pathPart = rest;
    if (q >= 0) { record.query = percentEncode(rest.slice(q + 1), special ? SPECIAL_QUERY : QUERY); pathPart = rest.slice(0, q); }
    if (pathPart === '') record.path = special ? [''] : [];
    else record.path = normalizePath(pathPart.split('/').slice(1).map((s) => percentEncode(s, PATH)));
    return record;
  };

  const serialize = (r, excludeFragment) => {
    let out = r.protocol;
    if (r.opaque !== null) out += r.opaque;
    else {
      if (r.hasHost || r.protocol === 'file:' || r.protocol in SPECIAL) {
        out += '//';
        if (r.username !== '' || r.password !== '') out += r.username + (r.password !== '' ? ':' + r.password : '') + '@';
        out += r.hostname + (r.port !== '' ? ':' + r.port : '');
      }
      out += pathname(r);
    }
    if (r.query !== null) out += '?' + r.query;
    if (!excludeFragment && r.fragment !== null) out += '#' + r.fragment;
    return out;
  };

  const pathname = (r) => (r.opaque !== null ? r.opaque : r.path.length ? '/' + r.path.join('/') : '');

  const records = new WeakMap();
  const paramsOf = new WeakMap();
  const urlOf = new WeakMap();

  class URL {
    constructor(input, base) {
      let baseRecord;
      if (base !== undefined) {
        baseRecord = parse(String(base), null);
        if (baseRecord === null) throw invalid(String(input), String(base));
      }
      const record = parse(String(input), baseRecord);
      if (record === null) throw invalid(String(input), base === undefined ? undefined : String(base));
      records.set(this, record);
    }
    static canParse(input, base) {
      try { new URL(input, base); return true; } catch (e) { return false; }
    }
    static parse(input, base) {
      try { return new URL(input, base); } catch (e) { return null; }
    }
    get href() { return serialize(records.get(this), false); }
    set href(value) {
      const record = parse(String(value), null);
      if (record === null) throw invalid(String(value));
      records.set(this, record);
      const params = paramsOf.get(this);
      if (params) params._reset(record.query || '');
    }
    get origin() {
      const r = records.get(this);
      return r.protocol in SPECIAL && r.protocol !== 'file:' ? r.protocol + '//' + r.hostname + (r.port ? ':' + r.port : '') : 'null';
    }
    get protocol() { return records.get(this).protocol; }
    set protocol(value) {
      const r = records.get(this);
      const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*)/.exec(String(value));
      if (scheme && ((scheme[1].toLowerCase() + ':') in SPECIAL) === (r.protocol in SPECIAL)) {
        r.protocol = scheme[1].toLowerCase() + ':';
        if (r.port === SPECIAL[r.protocol]) r.port = '';
      }
    }
    get username() { return records.get(this).username; }
    set username(value) { records.get(this).username = percentEncode(String(value), USERINFO); }
    get password() { return records.get(this).password; }
    set password(value) { records.get(this).password = percentEncode(String(value), USERINFO); }
    get host() { const r = records.get(this); return r.hostname + (r.port ? ':' + r.port : ''); }
    set host(value) {
      const r = records.get(this);
      const parsed = authority({ protocol: r.protocol, username: '', password: '', hostname: '', port: '', path: [], query: null }, String(value).split(/[/?#]/)[0], r.protocol in SPECIAL);
      if (parsed !== null) { r.hostname = parsed.hostname; r.hasHost = true; r.port = parsed.port || r.port; }
    }
    get hostname() { return records.get(this).hostname; }
    set hostname(value) {
      const r = records.get(this);
      const parsed = parseHost(String(value).split(/[:/?#]/)[0], r.protocol in SPECIAL);
      if (parsed !== null && parsed !== '') { r.hostname = parsed; r.hasHost = true; }
    }
    get port() { return records.get(this).port; }
    set port(value) {
      const r = records.get(this);
      const digits = /^\d*/.exec(String(value))[0];
      if (digits === '' && String(value) !== '') return;
      if (digits !== '' && Number(digits) > 65535) return;
      r.port = digits === '' || digits === SPECIAL[r.protocol] ? '' : String(Number(digits));
    }
    get pathname() { return pathname(records.get(this)); }
    set pathname(value) {
      const r = records.get(this);
      if (r.opaque !== null) return;
      let path = String(value);
      if (r.protocol in SPECIAL) path = path.replace(/\\/g, '/');
      const segments = path.split('/').map((s) => percentEncode(s, PATH));
      r.path = normalizePath(path.startsWith('/') ? segments.slice(1) : segments);
    }
    get search() { const q = records.get(this).query; return q === null || q === '' ? '' : '?' + q; }
    set search(value) {
      const r = records.get(this);
      const q = String(value).replace(/^\?/, '');
      r.query = String(value) === '' ? null : percentEncode(q, r.protocol in SPECIAL ? SPECIAL_QUERY : QUERY);
      const params = paramsOf.get(this);
      if (params) params._reset(r.query || '');
    }
    get searchParams() {
      let params = paramsOf.get(this);
      if (!params) {
        params = new URLSearchParams(records.get(this).query || '');
        urlOf.set(params, this);
        paramsOf.set(this, params);
      }
      return params;
    }
    get hash() { const f = records.get(this).fragment; return f === null || f === '' ? '' : '#' + f; }
    set hash(value) {
      const f = String(value).replace(/^#/, '');
      records.get(this).fragment = String(value) === '' ? null : percentEncode(f, FRAGMENT);
    }
    toString() { return this.href; }
    toJSON() { return this.href; }
    get [Symbol.toStringTag]() { return 'URL'; }
  }

  const formDecode = (s) => percentDecode(s.replace(/\+/g, ' '));

  class URLSearchParams {
    constructor(init) {
      this._list = [];
      if (init === undefined || init === null) return;
      if (typeof init === 'object' || typeof init === 'function') {
        if (typeof init[Symbol.iterator] === 'function') {
          for (const pair of init) {
            const entry = Array.from(pair);
            if (entry.length !== 2) throw new TypeError('Each query pair must be an iterable [name, value] tuple');
            this._list.push([String(entry[0]), String(entry[1])]);
          }
        } else {
          for (const key of Object.keys(init)) this._list.push([key, String(init[key])]);
        }
      } else {
        this._reset(String(init).replace(/^\?/, ''));
      }
    }
    _reset(query) {
      this._list = [];
      for (const part of query.split('&')) {
        if (part === '') continue;
        const eq = part.indexOf('=');
        this._list.push(eq < 0 ? [formDecode(part), ''] : [formDecode(part.slice(0, eq)), formDecode(part.slice(eq + 1))]);
      }
    }
    _update() {
      const url = urlOf.get(this);
      if (url) {
        const query = this.toString();
        records.get(url).query = query === '' ? null : query;
      }
    }
    get size() { return this._list.length; }
    append(name, value) { this._list.push([String(name), String(value)]); this._update(); }
    delete(name, value) {
      this._list = this._list.filter(([n, v]) => n !== String(name) || (value !== undefined && v !== String(value)));
      this._update();
    }
    get(name) { const entry = this._list.find(([n]) => n === String(name)); return entry ? entry[1] : null; }
    getAll(name) { return this._list.filter(([n]) => n === String(name)).map(([, v]) => v); }
    has(name, value) { return this._list.some(([n, v]) => n === String(name) && (value === undefined || v === String(value))); }
    set(name, value) {
      const key = String(name);
      const at = this._list.findIndex(([n]) => n === key);
      if (at < 0) this._list.push([key, String(value)]);
      else {
        this._list[at][1] = String(value);
        this._list = this._list.filter(([n], i) => n !== key || i === at);
      }
      this._update();
    }
    sort() {
      this._list = this._list.map((e, i) => [e, i]).sort((a, b) => (a[0][0] < b[0][0] ? -1 : a[0][0] > b[0][0] ? 1 : a[1] - b[1])).map(([e]) => e);
      this._update();
    }
    forEach(callback, thisArg) { for (const [n, v] of this._list) callback.call(thisArg, v, n, this); }
    keys() { return this._list.map(([n]) => n)[Symbol.iterator](); }
    values() { return this._list.map(([, v]) => v)[Symbol.iterator](); }
    entries() { return this._list.map(([n, v]) => [n, v])[Symbol.iterator](); }
    [Symbol.iterator]() { return this.entries(); }
    toString() { return this._list.map(([n, v]) => percentEncode(n, FORM, true) + '=' + percentEncode(v, FORM, true)).join('&'); }
    get [Symbol.toStringTag]() { return 'URLSearchParams'; }
  }
  for (const name of ['_reset', '_update']) {
    Object.defineProperty(URLSearchParams.prototype, name, { enumerable: false, writable: true });
  }

  // Node's legacy API.
  const legacyParse = (urlString, parseQueryString, slashesDenoteHost) => {
    if (typeof urlString !== 'string') throw new TypeError('The "url" argument must be of type string');
    const result = { protocol: null, slashes: null, auth: null, host: null, port: null, hostname: null, hash: null, search: null, query: null, pathname: null, path: null, href: '' };
    let rest = urlString.trim();
    const hash = rest.indexOf('#');
    if (hash >= 0) { result.hash = rest.slice(hash); rest = rest.slice(0, hash); }
    const q = rest.indexOf('?');
    if (q >= 0) { result.search = rest.slice(q); result.query = rest.slice(q + 1); rest = rest.slice(0, q); }
    else if (parseQueryString) { result.search = ''; result.query = ''; }
    const proto = /^([a-zA-Z][a-zA-Z0-9+.-]*:)/.exec(rest);
    if (proto) { result.protocol = proto[1].toLowerCase(); rest = rest.slice(proto[1].length); }
    if (rest.startsWith('//') && (proto || slashesDenoteHost)) {
      result.slashes = true;
      rest = rest.slice(2);
      const end = rest.search(/[/]/);
      let auth = end < 0 ? rest : rest.slice(0, end);
      rest = end < 0 ? '' : rest.slice(end);
      const at = auth.lastIndexOf('@');
      if (at >= 0) { result.auth = decodeURIComponent(auth.slice(0, at)); auth = auth.slice(at + 1); }
      result.host = auth.toLowerCase();
      const port = /:(\d*)$/.exec(result.host);
      result.hostname = port ? result.host.slice(0, -port[0].length) : result.host;
      result.port = port && port[1] !== '' ? port[1] : null;
      if (rest === '' && result.protocol && result.protocol in SPECIAL) rest = '/';
    }
    result.pathname = rest === '' ? null : rest;
    result.path = (result.pathname || '') + (result.search || '') || null;
    if (parseQueryString) result.query = internal.require('querystring').parse(result.query || '');
    result.href = legacyFormat(result);
    return result;
  };

  const legacyFormat = (obj) => {
    if (typeof obj === 'string') obj = legacyParse(obj);
    if (obj instanceof URL) return obj.href;
    let protocol = obj.protocol || '';
    if (protocol && !protocol.endsWith(':')) protocol += ':';
    let host = '';
    if (obj.host) host = obj.host;
    else if (obj.hostname) host = obj.hostname + (obj.port ? ':' + obj.port : '');
    const auth = obj.auth ? encodeURIComponent(obj.auth).replace(/%3A/i, ':') + '@' : '';
    let pathname = obj.pathname || '';
    let search = obj.search || '';
    if (!search && obj.query && typeof obj.query === 'object') {
      const qs = internal.require('querystring').stringify(obj.query);
      if (qs) search = '?' + qs;
    } else if (search && !search.startsWith('?')) search = '?' + search;
    let hash = obj.hash || '';
    if (hash && !hash.startsWith('#')) hash = '#' + hash;
    const slashes = obj.slashes || protocol in SPECIAL;
    if (host || slashes) {
      host = '//' + auth + host;
      if (pathname && !pathname.startsWith('/')) pathname = '/' + pathname;
    }
    return protocol + host + pathname + search + hash;
  };

  // A base without scheme and host ('/one/two/three') is resolved against a placeholder origin that is then dropped,
  // as Node's legacy resolve does; the placeholder is a special scheme so relative paths resolve as for http.
  const PLACEHOLDER = 'http://resolve.invalid';
  const resolve = (from, to) => {
    const resolved = new URL(to, new URL(from, PLACEHOLDER + '/'));
    if (resolved.origin === PLACEHOLDER && !String(to).startsWith(PLACEHOLDER) && !String(from).startsWith(PLACEHOLDER)) {
      const { pathname, search, hash } = resolved;
      return pathname + search + hash;
    }
    return resolved.href;
  };

  const unavailable = (name) => () => { throw new Error('url.' + name + ' is not available: handlers have no file system'); };

  return {
    URL,
    URLSearchParams,
    parse: legacyParse,
    format: legacyFormat,
    resolve,
    domainToASCII: (domain) => { try { return new URL('http://' + domain).hostname; } catch (e) { return ''; } },
    domainToUnicode: (domain) => String(domain),
    fileURLToPath: unavailable('fileURLToPath'),
    pathToFileURL: unavailable('pathToFileURL'),
  };
})
