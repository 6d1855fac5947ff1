// Outbound HTTP for handler code: fetch (with Headers and Response) and Node's http/https client, on top of the host's
// non-blocking client (OutboundCalls). Loaded by runtime.js, once per request, the first time its handler touches fetch,
// Headers, Response or require('http'); it returns those, and settle, which the request's actor calls when a request
// ends.
// The host bridge stays inside this closure.
(function (host, timers, shared) {
  'use strict';

  // runtime.js's EventEmitter, which its req and res use too.
  const { Emitter } = shared;

  // Captured when the context was created: handler code may have replaced the globals since.
  const { setImmediate, setTimeout, clearTimeout } = timers;

  // ---- The host side: start, settle, abort ----------------------------------------------------------------------

  const pending = new Map();

  const failure = (message, code) => {
    const error = new TypeError(message);
    error.code = code;
    return error;
  };

  const abortError = () => {
    const error = new Error('This operation was aborted');
    error.name = 'AbortError';
    error.code = 'ABORT_ERR';
    return error;
  };

  // Resolves with { status, statusText, url, redirected, headers: [name, value, ...], raw } where raw is the body.
  const send = (method, url, flatHeaders, parts, redirect, onStart) => new Promise((resolve, reject) => {
    const started = host.start(method, String(url), flatHeaders, parts, redirect);
    if (typeof started !== 'number') {
      reject(failure(started.error, started.code));
      return;
    }
    pending.set(started, { resolve, reject });
    if (onStart) onStart(started);
  });

  const abort = (id, error) => {
    const waiting = pending.get(id);
    if (waiting === undefined) return;
    pending.delete(id);
    host.abort(id);
    waiting.reject(error);
  };

  // Called by the request's actor, in a JS turn, when a request ends.
  const settle = (id, error, code, status, statusText, url, redirected, headers, raw) => {
    const waiting = pending.get(id);
    if (waiting === undefined) return;
    pending.delete(id);
    if (error !== null) waiting.reject(failure(error, code));
    else waiting.resolve({ status, statusText, url, redirected, headers: Array.from(headers), raw });
  };

  // A request body as parts the host concatenates: strings (UTF-8) and ArrayBuffers.
  const bodyPart = (chunk) => {
    if (typeof chunk === 'string') return chunk;
    if (chunk instanceof ArrayBuffer) return chunk;
    if (ArrayBuffer.isView(chunk)) return chunk.buffer.slice(chunk.byteOffset, chunk.byteOffset + chunk.byteLength);
    return String(chunk);
  };

  const utf8 = (body) => host.decode(body, 'utf-8');

  // ---- fetch -----------------------------------------------------------------------------------------------------

  const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
  const headerName = (name) => {
    const n = String(name);
    if (!TOKEN.test(n)) throw new TypeError('Invalid header name: "' + n + '"');
    return n.toLowerCase();
  };
  const headerValue = (value) => {
    const v = String(value).replace(/^[\t\n\r ]+|[\t\n\r ]+$/g, '');
    if (/[\r\n\0]/.test(v)) throw new TypeError('Invalid header value');
    return v;
  };

  let headerList;
  class Headers {
    _list = [];
    static {
      headerList = (headers) => headers._list;
    }
    constructor(init) {
      if (init === undefined || init === null) return;
      if (init instanceof Headers) {
        for (const [n, v] of init._list) this._list.push([n, v]);
      } else if (typeof init[Symbol.iterator] === 'function') {
        for (const pair of init) {
          const [n, v, ...rest] = Array.from(pair);
          if (rest.length > 0 || v === undefined) throw new TypeError('Header pairs must contain exactly two items');
          this.append(n, v);
        }
      } else if (typeof init === 'object') {
        for (const n of Object.keys(init)) this.append(n, init[n]);
      } else {
        throw new TypeError('Headers must be an object, an array of pairs or a Headers');
      }
    }
    append(name, value) { this._list.push([headerName(name), headerValue(value)]); }
    set(name, value) {
      const n = headerName(name);
      const v = headerValue(value);
      const at = this._list.findIndex(([k]) => k === n);
      if (at < 0) this._list.push([n, v]);
      else this._list = this._list.filter(([k], i) => k !== n || i === at).map((e) => (e[0] === n ? [n, v] : e));
    }
    delete(name) {
      const n = headerName(name);
      this._list = this._list.filter(([k]) => k !== n);
    }
    get(name) {
      const n = headerName(name);
      const values = this._list.filter(([k]) => k === n).map(([, v]) => v);
      return values.length === 0 ? null : values.join(', ');
    }
    getSetCookie() { return this._list.filter(([k]) => k === 'set-cookie').map(([, v]) => v); }
    has(name) {
      const n = headerName(name);
      return this._list.some(([k]) => k === n);
    }
    forEach(callback, thisArg) {
      for (const [n, v] of this) callback.call(thisArg, v, n, this);
    }
    *entries() {
      for (const n of [...new Set(this._list.map(([k]) => k))].sort()) {
        if (n === 'set-cookie') for (const v of this.getSetCookie()) yield [n, v];
        else yield [n, this.get(n)];
      }
    }
    *keys() { for (const [n] of this.entries()) yield n; }
    *values() { for (const [, v] of this.entries()) yield v; }
    [Symbol.iterator]() { return this.entries(); }
    get [Symbol.toStringTag]() { return 'Headers'; }
  }

  // A body as the Response keeps it: { raw } from the host, { text } or { bytes } from handler code, or null.
  const ownBody = (body) => {
    if (body === undefined || body === null) return null;
    if (typeof body === 'string') return { text: body };
    if (body instanceof ArrayBuffer) return { bytes: new Uint8Array(body.slice(0)) };
    if (ArrayBuffer.isView(body)) return { bytes: new Uint8Array(bodyPart(body)) };
    return { text: String(body) };
  };
  const bodyText = (body) => {
    if (body === null) return '';
    if (body.text !== undefined) return body.text;
    const text = utf8(body.raw !== undefined ? body.raw : body.bytes.buffer);
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  };
  const bodyBuffer = (body) => {
    if (body === null) return new ArrayBuffer(0);
    if (body.raw !== undefined) return new Uint8Array(body.raw).slice().buffer;
    if (body.bytes !== undefined) return body.bytes.slice().buffer;
    return new Uint8Array(host.encode(body.text)).slice().buffer;
  };

  let fromHost;
  class Response {
    _status = 200;
    _statusText = '';
    _headers;
    _url = '';
    _redirected = false;
    _type = 'default';
    _body = null;
    _used = false;
    static {
      fromHost = (r) => {
        const response = new Response();
        response._status = r.status;
        response._statusText = r.statusText;
        response._headers = new Headers();
        for (let i = 0; i + 1 < r.headers.length; i += 2) response._headers.append(r.headers[i], r.headers[i + 1]);
        response._url = r.url;
        response._redirected = r.redirected;
        response._type = 'basic';
        response._body = { raw: r.raw };
        return response;
      };
    }
    constructor(body = null, init = {}) {
      const status = init.status === undefined ? 200 : Number(init.status);
      if (!Number.isInteger(status) || status < 200 || status > 599) {
        throw new RangeError('init["status"] must be in the range of 200 to 599, inclusive.');
      }
      this._status = status;
      this._statusText = init.statusText === undefined ? '' : String(init.statusText);
      this._headers = new Headers(init.headers);
      this._body = ownBody(body);
      if (typeof body === 'string' && !this._headers.has('content-type')) {
        this._headers.set('content-type', 'text/plain;charset=UTF-8');
      }
    }
    static json(data, init = {}) {
      const response = new Response(JSON.stringify(data), init);
      if (!response.headers.has('content-type')) response.headers.set('content-type', 'application/json');
      return response;
    }
    get status() { return this._status; }
    get ok() { return this._status >= 200 && this._status <= 299; }
    get statusText() { return this._statusText; }
    get headers() { return this._headers; }
    get url() { return this._url; }
    get redirected() { return this._redirected; }
    get type() { return this._type; }
    get bodyUsed() { return this._used; }
    _consume() {
      if (this._used) throw new TypeError('Body is unusable: Body has already been read');
      this._used = true;
      return this._body;
    }
    async text() { return bodyText(this._consume()); }
    async json() { return JSON.parse(bodyText(this._consume())); }
    async arrayBuffer() { return bodyBuffer(this._consume()); }
    async bytes() { return new Uint8Array(bodyBuffer(this._consume())); }
    clone() {
      if (this._used) throw new TypeError('Response.clone: Body has already been consumed.');
      const copy = new Response(null, { status: this._status === 0 ? 200 : Math.max(200, Math.min(599, this._status)) });
      copy._status = this._status;
      copy._statusText = this._statusText;
      copy._headers = new Headers(this._headers);
      copy._url = this._url;
      copy._redirected = this._redirected;
      copy._type = this._type;
      copy._body = this._body;
      return copy;
    }
    get [Symbol.toStringTag]() { return 'Response'; }
  }

  const REDIRECTS = ['follow', 'manual', 'error'];

  async function fetch(input, init) {
    const options = init || {};
    const request = input !== null && typeof input === 'object' && typeof input.href !== 'string' ? input : {};
    const url = typeof input === 'string' ? input
      : input !== null && typeof input === 'object' && typeof input.href === 'string' ? input.href
      : typeof request.url === 'string' ? request.url : String(input);
    const method = String(options.method || request.method || 'GET').toUpperCase();
    const headers = new Headers(options.headers !== undefined ? options.headers : request.headers);
    const redirect = String(options.redirect || request.redirect || 'follow');
    if (!REDIRECTS.includes(redirect)) throw new TypeError('Invalid redirect mode: ' + redirect);
    const body = options.body !== undefined ? options.body : request.body;
    if (body !== undefined && body !== null && (method === 'GET' || method === 'HEAD')) {
      throw new TypeError('Request with GET/HEAD method cannot have body.');
    }
    if (typeof body === 'string' && !headers.has('content-type')) headers.set('content-type', 'text/plain;charset=UTF-8');
    if (typeof URLSearchParams === 'function' && body instanceof URLSearchParams && !headers.has('content-type')) {
      headers.set('content-type', 'application/x-www-form-urlencoded;charset=UTF-8');
    }
    const signal = options.signal || request.signal;
    if (signal && signal.aborted) throw abortError();
    const flat = headerList(headers).flat();
    const parts = body === undefined || body === null ? null : [bodyPart(body)];
    const r = await send(method, url, flat, parts, redirect, (id) => {
      if (signal && typeof signal.addEventListener === 'function') {
        signal.addEventListener('abort', () => abort(id, abortError()), { once: true });
      }
    });
    return fromHost(r);
  }

  // ---- Node's http and https client ------------------------------------------------------------------------------


  const STATUS_CODES = Object.freeze({
    100: 'Continue', 101: 'Switching Protocols', 200: 'OK', 201: 'Created', 202: 'Accepted', 204: 'No Content',
    206: 'Partial Content', 301: 'Moved Permanently', 302: 'Found', 303: 'See Other', 304: 'Not Modified',
    307: 'Temporary Redirect', 308: 'Permanent Redirect', 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden',
    404: 'Not Found', 405: 'Method Not Allowed', 408: 'Request Timeout', 409: 'Conflict', 410: 'Gone',
    413: 'Payload Too Large', 415: 'Unsupported Media Type', 422: 'Unprocessable Entity', 429: 'Too Many Requests',
    500: 'Internal Server Error', 501: 'Not Implemented', 502: 'Bad Gateway', 503: 'Service Unavailable',
    504: 'Gateway Timeout',
  });
  const METHODS = Object.freeze(['DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT']);

  // The response of a ClientRequest: the whole body arrives as one 'data' event, then 'end'.
  class IncomingMessage extends Emitter {
    constructor(r) {
      super();
      this.statusCode = r.status;
      this.statusMessage = r.statusText;
      this.httpVersion = '1.1';
      this.httpVersionMajor = 1;
      this.httpVersionMinor = 1;
      this.headers = {};
      this.rawHeaders = [];
      this.trailers = {};
      this.url = r.url;
      this.complete = false;
      this.aborted = false;
      this._raw = r.raw;
      this._encoding = null;
      this._flowing = false;
      for (let i = 0; i + 1 < r.headers.length; i += 2) {
        const name = r.headers[i];
        const value = r.headers[i + 1];
        this.rawHeaders.push(name, value);
        if (name === 'set-cookie') (this.headers[name] = this.headers[name] || []).push(value);
        else this.headers[name] = name in this.headers ? this.headers[name] + ', ' + value : value;
      }
    }
    setEncoding(encoding) {
      this._encoding = encoding === undefined ? 'utf8' : String(encoding);
      return this;
    }
    _chunk() {
      if (new Uint8Array(this._raw).length === 0) return null;
      if (this._encoding !== null) return host.decode(this._raw, this._encoding);
      const bytes = new Uint8Array(this._raw).slice();
      return typeof Buffer === 'function' && typeof Buffer.from === 'function' ? Buffer.from(bytes.buffer) : bytes;
    }
    _listening(event) {
      if (event === 'data' || event === 'end' || event === 'readable') this.resume();
    }
    resume() {
      if (!this._flowing) {
        this._flowing = true;
        setImmediate(() => {
          const chunk = this._chunk();
          if (chunk !== null) this.emit('data', chunk);
          this.complete = true;
          this.emit('end');
          this.emit('close');
        });
      }
      return this;
    }
    pause() { return this; }
    pipe(destination) {
      this.on('data', (chunk) => destination.write(chunk));
      this.on('end', () => { if (typeof destination.end === 'function') destination.end(); });
      return destination;
    }
    async *[Symbol.asyncIterator]() {
      this._flowing = true;
      const chunk = this._chunk();
      if (chunk !== null) yield chunk;
      this.complete = true;
    }
  }

  const invalid = (message, code) => {
    const error = new TypeError(message);
    error.code = code;
    return error;
  };

  // What Node's http.request takes for a URL rather than an options object: a URL, or an object shaped like one (an
  // href and a protocol, but neither auth nor path, which only options have). `request` passes its options with an
  // href beside their headers: they are options.
  const isUrl = (input) => input !== null && typeof input === 'object' && typeof input.href === 'string'
    && Boolean(input.href) && Boolean(input.protocol) && input.auth === undefined && input.path === undefined;

  // A request written with write()/end() and sent as a whole on end(); it never follows redirects, as in Node.
  class ClientRequest extends Emitter {
    constructor(defaultProtocol, args) {
      super();
      let [input, options, callback] = args;
      if (typeof options === 'function') {
        callback = options;
        options = undefined;
      }
      let opts;
      if (typeof input === 'string' || isUrl(input)) {
        const match = /^([a-zA-Z][a-zA-Z0-9+.-]*:)\/\/([^/?#]*)([^#]*)/.exec(String(input.href !== undefined ? input.href : input));
        if (match === null) throw invalid('Invalid URL: ' + input, 'ERR_INVALID_URL');
        const authority = /^(\[[^\]]*\]|[^:]*)(?::(\d*))?$/.exec(match[2].replace(/^.*@/, '')) || [];
        opts = Object.assign({ protocol: match[1].toLowerCase(), hostname: authority[1], port: authority[2] || undefined,
          path: match[3] || '/' }, options || {});
      } else {
        opts = Object.assign({}, input || {});
      }
      const protocol = opts.protocol || defaultProtocol;
      if (protocol !== defaultProtocol) {
        throw invalid('Protocol "' + protocol + '" not supported. Expected "' + defaultProtocol + '"', 'ERR_INVALID_PROTOCOL');
      }
      let hostname = opts.hostname || (opts.host ? String(opts.host).replace(/:\d+$/, '') : 'localhost');
      if (hostname.includes(':') && !hostname.startsWith('[')) hostname = '[' + hostname + ']';
      const port = opts.port !== undefined && opts.port !== null && opts.port !== '' ? ':' + opts.port : '';
      this.method = String(opts.method || 'GET').toUpperCase();
      this.protocol = protocol;
      this.host = hostname;
      this.path = opts.path || '/';
      this._url = protocol + '//' + hostname + port + this.path;
      this._headers = new Map();
      this._chunks = [];
      this._id = null;
      this._quiet = false;
      this._timer = undefined;
      this.aborted = false;
      this.destroyed = false;
      this.writableEnded = false;
      this.finished = false;
      this.res = null;
      const headers = opts.headers || {};
      if (Array.isArray(headers)) {
        for (let i = 0; i + 1 < headers.length; i += 2) this.setHeader(headers[i], headers[i + 1]);
      } else {
        for (const name of Object.keys(headers)) this.setHeader(name, headers[name]);
      }
      if (opts.auth && !this.hasHeader('authorization')) {
        this.setHeader('authorization', 'Basic ' + host.decode(host.encode(String(opts.auth)), 'base64'));
      }
      if (typeof callback === 'function') this.once('response', callback);
      if (opts.timeout) this.setTimeout(opts.timeout);
    }
    setHeader(name, value) {
      if (this.writableEnded) throw new Error('Cannot set headers after they are sent to the client');
      this._headers.set(headerName(name), [String(name), value]);
      return this;
    }
    getHeader(name) {
      const entry = this._headers.get(String(name).toLowerCase());
      return entry === undefined ? undefined : entry[1];
    }
    hasHeader(name) { return this._headers.has(String(name).toLowerCase()); }
    removeHeader(name) { this._headers.delete(String(name).toLowerCase()); }
    getHeaderNames() { return [...this._headers.keys()]; }
    getRawHeaderNames() { return [...this._headers.values()].map(([name]) => name); }
    getHeaders() {
      const out = {};
      for (const [key, [, value]] of this._headers) out[key] = value;
      return out;
    }
    write(chunk, encoding, callback) {
      if (typeof encoding === 'function') callback = encoding;
      if (this.writableEnded) {
        const error = new Error('write after end');
        error.code = 'ERR_STREAM_WRITE_AFTER_END';
        throw error;
      }
      if (chunk !== undefined && chunk !== null) this._chunks.push(bodyPart(chunk));
      if (typeof callback === 'function') setImmediate(callback);
      return true;
    }
    end(chunk, encoding, callback) {
      if (typeof chunk === 'function') {
        callback = chunk;
        chunk = undefined;
      } else if (typeof encoding === 'function') {
        callback = encoding;
      }
      if (this.writableEnded) return this;
      if (chunk !== undefined && chunk !== null) this.write(chunk);
      this.writableEnded = true;
      this.finished = true;
      if (typeof callback === 'function') this.once('finish', callback);
      this._send();
      return this;
    }
    _send() {
      const flat = [];
      for (const [name, value] of this._headers.values()) {
        if (Array.isArray(value)) for (const v of value) flat.push(name, headerValue(v));
        else flat.push(name, headerValue(value));
      }
      const parts = this._chunks.length === 0 ? null : this._chunks;
      this._chunks = [];
      send(this.method, this._url, flat, parts, 'manual', (id) => { this._id = id; })
        .then((r) => {
          this._id = null;
          this._clearTimer();
          if (this.destroyed) return;
          this.res = new IncomingMessage(r);
          if (!this.emit('response', this.res)) this.res.resume();
        }, (error) => this._fail(error));
      setImmediate(() => this.emit('finish'));
    }
    _fail(error) {
      this._id = null;
      this._clearTimer();
      if (this._quiet) return;
      this.destroyed = true;
      // As in Node: an 'error' nobody listens to is thrown (and ends the request with 500 exception).
      if (!this.emit('error', error)) throw error;
      this.emit('close');
    }
    _clearTimer() {
      if (this._timer !== undefined) clearTimeout(this._timer);
      this._timer = undefined;
    }
    setTimeout(ms, callback) {
      if (typeof callback === 'function') this.once('timeout', callback);
      this._clearTimer();
      if (ms > 0) this._timer = setTimeout(() => { this._timer = undefined; this.emit('timeout'); }, ms);
      return this;
    }
    destroy(error) {
      if (this.destroyed) return this;
      this.destroyed = true;
      this._quiet = true;
      this._clearTimer();
      if (this._id !== null) abort(this._id, abortError());
      this._id = null;
      setImmediate(() => {
        if (error) this.emit('error', error);
        this.emit('close');
      });
      return this;
    }
    abort() {
      if (this.aborted) return;
      this.aborted = true;
      this.destroy();
      setImmediate(() => this.emit('abort'));
    }
    setNoDelay() { return this; }
    setSocketKeepAlive() { return this; }
    flushHeaders() {}
  }

  const modules = new Map();
  const httpModule = (scheme) => {
    const name = scheme === 'https' ? 'https' : 'http';
    if (!modules.has(name)) {
      const protocol = name + ':';
      const request = (...args) => new ClientRequest(protocol, args);
      const get = (...args) => request(...args).end();
      class Agent {
        constructor(options) { this.options = Object.assign({}, options); }
        destroy() {}
      }
      modules.set(name, Object.freeze({
        request,
        get,
        createServer: () => { throw new Error(name + '.createServer is not available: handlers cannot listen on sockets'); },
        Agent,
        globalAgent: new Agent(),
        ClientRequest,
        IncomingMessage,
        STATUS_CODES,
        METHODS,
      }));
    }
    return modules.get(name);
  };

  return { settle, fetch, Headers, Response, httpModule };
})
