// The per-request runtime: Node-style req/res, console and timers around the host bridge.
// Run once in every fresh context, ahead of its request (the node keeps a pool of such contexts); it returns the
// entry point the RequestActor calls, and run() hands it the request's host bridge. The bridge stays inside this
// closure: handler code can never reach it.
(function () {
  'use strict';
  // The request's host functions, bound by run(): nothing here calls them before.
  let host;

  // As Node's console does: util.format, so objects show as util.inspect shows them (util.js loads on first use).
  const format = (args) => loadBuiltin('util').format(...args);

  const console = Object.freeze({
    log: (...args) => host.log('info', format(args)),
    info: (...args) => host.log('info', format(args)),
    debug: (...args) => host.log('debug', format(args)),
    warn: (...args) => host.log('warn', format(args)),
    error: (...args) => host.log('error', format(args)),
    trace: (...args) => host.log('error', 'Trace: ' + format(args) + '\n' + new Error().stack.split('\n').slice(2).join('\n')),
    dir: (value, options) => host.log('info', loadBuiltin('util').inspect(value, options)),
  });

  // Timers: the host schedules a message to the request's actor; the actor calls fireTimer back.
  const timers = new Map();
  let nextTimerId = 1;
  const addTimer = (callback, delay, args, repeat) => {
    if (typeof callback !== 'function') throw new TypeError('The "callback" argument must be a function');
    const id = nextTimerId++;
    const ms = Math.max(0, Math.floor(Number(delay) || 0));
    timers.set(id, { callback, args, repeat, ms });
    host.setTimer(id, ms);
    return id;
  };
  const clearTimer = (id) => {
    if (timers.delete(id)) host.clearTimer(id);
  };
  const fireTimer = (id) => {
    const timer = timers.get(id);
    if (timer === undefined) return;
    if (timer.repeat) host.setTimer(id, Math.max(1, timer.ms));
    else timers.delete(id);
    timer.callback(...timer.args);
  };

  // Nashorn-era globals that name Java packages: handlers have no host access, so they only mislead.
  for (const name of ['Packages', 'java', 'javax', 'javafx', 'com', 'org', 'edu', 'net', 'Java']) {
    delete globalThis[name];
  }

  Object.assign(globalThis, {
    console,
    queueMicrotask: (callback) => {
      if (typeof callback !== 'function') throw new TypeError('The "callback" argument must be a function');
      Promise.resolve().then(() => callback());
    },
    setTimeout: (cb, ms, ...args) => addTimer(cb, ms, args, false),
    setInterval: (cb, ms, ...args) => addTimer(cb, ms, args, true),
    setImmediate: (cb, ...args) => addTimer(cb, 0, args, false),
    clearTimeout: clearTimer,
    clearInterval: clearTimer,
    clearImmediate: clearTimer,
    process: Object.freeze({ nextTick: (cb, ...args) => queueMicrotask(() => cb(...args)), env: Object.freeze({}) }),
  });

  // Built-in modules (modules/*.js): each evaluated on first use in this context, from a Source shared by all
  // contexts; their factories get `internal`, which handlers never see.
  const BUILTINS = ['assert', 'buffer', 'crypto', 'events', 'http', 'https', 'path', 'querystring', 'url', 'util'];
  const builtins = new Map();
  const loadBuiltin = (name) => {
    let exports = builtins.get(name);
    if (exports === undefined) {
      exports = host.builtin(name)(internal, name);
      builtins.set(name, exports);
    }
    return exports;
  };
  const internal = Object.freeze({
    require: loadBuiltin,
    host: Object.freeze({
      encode: (...args) => host.encode(...args),
      hash: (...args) => host.hash(...args),
      randomBytes: (size) => host.randomBytes(size),
      randomUUID: () => host.randomUUID(),
    }),
    // The outbound HTTP client behind require('http').request/get (outbound.js, installed beside this runtime).
    outbound: () => {
      const module = globalThis.__rengaHttpModule;
      return module && {
        request: (scheme, ...args) => module(scheme).request(...args),
        get: (scheme, ...args) => module(scheme).get(...args),
      };
    },
  });

  // Relative modules were fetched with the handler (literal require('./...') calls); each runs once per request.
  const modules = new Map();
  const loadRelative = (fromUrl, id) => {
    const found = host.module(fromUrl, id);
    const url = found[0];
    const kind = found[1];
    const value = found[2];
    if (url === null) {
      const error = new Error("Cannot find module '" + id + "' required from " + fromUrl + ': ' + kind);
      error.code = 'MODULE_NOT_FOUND';
      throw error;
    }
    const cached = modules.get(url);
    if (cached !== undefined) return cached.exports;
    const module = { id: url, filename: url, loaded: false, exports: {} };
    modules.set(url, module);
    if (kind === 'json') {
      module.exports = JSON.parse(value);
    } else {
      const dirname = url.slice(0, url.lastIndexOf('/') + 1);
      value.call(module.exports, module.exports, requireFrom(url), module, url, dirname);
    }
    module.loaded = true;
    return module.exports;
  };
  const requireFrom = (fromUrl) => {
    const require = (id) => {
      if (typeof id !== 'string' || id === '') throw new TypeError('The "id" argument must be a non-empty string');
      const name = id.startsWith('node:') ? id.slice(5) : id;
      if (BUILTINS.includes(name)) return loadBuiltin(name);
      if (id.startsWith('./') || id.startsWith('../')) return loadRelative(fromUrl, id);
      const error = new Error("Cannot find module '" + id + "': handlers may require only the built-in modules "
        + BUILTINS.join(', ') + " and relative modules such as './lib.js'");
      error.code = 'MODULE_NOT_FOUND';
      throw error;
    };
    require.resolve = (id) => id;
    return require;
  };

  // Globals built on first use, so a request that does not use them does not pay for them.
  const lazyGlobal = (name, load) => Object.defineProperty(globalThis, name, {
    configurable: true,
    enumerable: false,
    get() {
      const value = load();
      Object.defineProperty(globalThis, name, { value, writable: true, configurable: true, enumerable: false });
      return value;
    },
    set(value) {
      Object.defineProperty(globalThis, name, { value, writable: true, configurable: true, enumerable: true });
    },
  });
  lazyGlobal('Buffer', () => loadBuiltin('buffer').Buffer);
  lazyGlobal('atob', () => loadBuiltin('buffer').atob);
  lazyGlobal('btoa', () => loadBuiltin('buffer').btoa);
  lazyGlobal('URL', () => loadBuiltin('url').URL);
  lazyGlobal('URLSearchParams', () => loadBuiltin('url').URLSearchParams);
  lazyGlobal('crypto', () => loadBuiltin('crypto').webcrypto);
  lazyGlobal('require', () => requireFrom(host.handlerUrl()));

  // A minimal EventEmitter for req and res, and for outbound.js's client requests and responses; _listening(event)
  // tells a stream that someone now listens. (require('events') has the full one; loading it for every request
  // would cost every request.)
  class Emitter {
    constructor() { this._listeners = new Map(); }
    on(event, listener) {
      const list = this._listeners.get(event) || [];
      list.push(listener);
      this._listeners.set(event, list);
      this._listening(event);
      return this;
    }
    once(event, listener) {
      const wrapped = (...args) => { this.off(event, wrapped); listener.apply(this, args); };
      return this.on(event, wrapped);
    }
    off(event, listener) {
      const list = this._listeners.get(event);
      if (list) this._listeners.set(event, list.filter((l) => l !== listener));
      return this;
    }
    removeAllListeners(event) {
      if (event === undefined) this._listeners.clear();
      else this._listeners.delete(event);
      return this;
    }
    listenerCount(event) { return (this._listeners.get(event) || []).length; }
    emit(event, ...args) {
      const list = this._listeners.get(event);
      if (!list || list.length === 0) return false;
      for (const listener of [...list]) listener.apply(this, args);
      return true;
    }
    _listening(event) {}
  }
  Emitter.prototype.addListener = Emitter.prototype.on;
  Emitter.prototype.removeListener = Emitter.prototype.off;

  // The request body as a Buffer, made on first use: from the host's UTF-8 text when the bytes are valid UTF-8
  // (the engine's native encoder), else copied from the bytes.
  const bodyBytes = (text) => {
    const { Buffer } = loadBuiltin('buffer');
    if (host.requestBodyIsUtf8()) return Buffer.from(text, 'utf8');
    const view = new Uint8Array(host.requestBody());
    const copy = Buffer.allocUnsafe(view.length);
    copy.set(view);
    return copy;
  };

  class IncomingMessage extends Emitter {
    constructor(method, url, httpVersion, headers, text) {
      super();
      this.method = method;
      this.url = url;
      this.httpVersion = httpVersion;
      this.headers = headers;
      this._text = text;
      this._bytes = undefined;
      this._encoding = null;
      this._flowing = false;
      this.complete = false;
    }
    // Without an encoding, chunks are Buffers, as in Node.
    setEncoding(encoding) {
      this._encoding = encoding === undefined || encoding === null ? 'utf8' : String(encoding).toLowerCase();
      return this;
    }
    _body() {
      if (this._bytes === undefined) this._bytes = bodyBytes(this._text);
      return this._bytes;
    }
    _chunk() {
      if (this._encoding === 'utf8' || this._encoding === 'utf-8') return this._text;
      return this._encoding === null ? this._body() : this._body().toString(this._encoding);
    }
    // The body is delivered once something listens, after the handler's synchronous part, as in Node.
    _listening(event) {
      if ((event === 'data' || event === 'end') && !this._flowing) {
        this._flowing = true;
        setImmediate(() => {
          if (this._text.length > 0) this.emit('data', this._chunk());
          this.complete = true;
          this.emit('end');
        });
      }
    }
    resume() { this._listening('data'); return this; }
    text() { return Promise.resolve(this._text); }
    json() { return Promise.resolve(this._text).then((text) => JSON.parse(text)); }
    arrayBuffer() {
      return Promise.resolve().then(() => {
        const bytes = this._body();
        return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length);
      });
    }
    async *[Symbol.asyncIterator]() { if (this._text.length > 0) yield this._chunk(); }
  }

  // A chunk as written: a string stays a string (UTF-8 unless another encoding is named), bytes stay bytes.
  const bodyChunk = (chunk, encoding) => {
    if (typeof chunk === 'string') {
      if (typeof encoding !== 'string' || /^utf-?8$/i.test(encoding)) return chunk;
      return loadBuiltin('buffer').Buffer.from(chunk, encoding);
    }
    if (ArrayBuffer.isView(chunk)) return new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength).slice();
    if (chunk instanceof ArrayBuffer) return new Uint8Array(chunk.slice(0));
    return String(chunk);
  };

  // What the host gets: one string when every chunk was text, else one ArrayBuffer of all the bytes.
  const responseBody = (chunks) => {
    if (chunks.every((c) => typeof c === 'string')) return chunks.join('');
    const encoder = new TextEncoder();
    const parts = chunks.map((c) => (typeof c === 'string' ? encoder.encode(c) : c));
    const out = new Uint8Array(parts.reduce((sum, p) => sum + p.length, 0));
    let at = 0;
    for (const part of parts) { out.set(part, at); at += part.length; }
    return out.buffer;
  };

  // Header names and values as Node checks them: a name is an HTTP token; a value is defined and has no control
  // characters other than tab (so no CR, LF or NUL can split or end a header line).
  const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
  const INVALID_VALUE = /[^\t\x20-\x7e\x80-\xff]/;
  const typeError = (message, code) => Object.assign(new TypeError(message), { code });
  const checkHeader = (name, value) => {
    if (typeof name !== 'string' || !TOKEN.test(name)) {
      throw typeError('Header name must be a valid HTTP token ["' + name + '"]', 'ERR_INVALID_HTTP_TOKEN');
    }
    if (value === undefined) {
      throw typeError('Invalid value "undefined" for header "' + name + '"', 'ERR_HTTP_INVALID_HEADER_VALUE');
    }
    for (const v of Array.isArray(value) ? value : [value]) {
      if (INVALID_VALUE.test(String(v))) {
        throw typeError('Invalid character in header content ["' + name + '"]', 'ERR_INVALID_CHAR');
      }
    }
  };
  const checkStatus = (status) => {
    if (!Number.isInteger(status) || status < 100 || status > 999) {
      throw Object.assign(new RangeError('Invalid status code: ' + status), { code: 'ERR_HTTP_INVALID_STATUS_CODE' });
    }
  };

  class ServerResponse extends Emitter {
    constructor() {
      super();
      this.statusCode = 200;
      this.statusMessage = undefined;
      this.headersSent = false;
      this.writableEnded = false;
      this.finished = false;
      this._headers = new Map();
      this._chunks = [];
    }
    setHeader(name, value) {
      if (this.headersSent) throw new Error('Cannot set headers after they are sent to the client');
      checkHeader(name, value);
      this._headers.set(String(name).toLowerCase(), [String(name), value]);
      return this;
    }
    getHeader(name) {
      const entry = this._headers.get(String(name).toLowerCase());
      return entry === undefined ? undefined : entry[1];
    }
    hasHeader(name) { return this._headers.has(String(name).toLowerCase()); }
    removeHeader(name) {
      if (this.headersSent) throw new Error('Cannot remove headers after they are sent to the client');
      this._headers.delete(String(name).toLowerCase());
    }
    getHeaderNames() { return [...this._headers.keys()]; }
    getHeaders() {
      const out = {};
      for (const [key, [, value]] of this._headers) out[key] = value;
      return out;
    }
    writeHead(statusCode, reason, headers) {
      if (this.headersSent) throw new Error('Cannot write headers after they are sent to the client');
      if (typeof reason !== 'string') { headers = reason; reason = undefined; }
      const status = Number(statusCode);
      checkStatus(status);
      this.statusCode = status;
      if (reason !== undefined) this.statusMessage = reason;
      if (Array.isArray(headers)) {
        for (let i = 0; i + 1 < headers.length; i += 2) this.setHeader(headers[i], headers[i + 1]);
      } else if (headers) {
        for (const name of Object.keys(headers)) this.setHeader(name, headers[name]);
      }
      this.headersSent = true;
      return this;
    }
    // Writes are collected during a turn and streamed at its end (the host calls flush), unless the same turn also
    // ends the response (then the whole response goes as one message).
    write(chunk, encoding, callback) {
      if (this.writableEnded) throw new Error('write after end');
      if (typeof encoding === 'function') callback = encoding;
      this.headersSent = true;
      if (chunk !== undefined && chunk !== null) this._chunks.push(bodyChunk(chunk, encoding));
      if (typeof callback === 'function') queueMicrotask(callback);
      return true;
    }
    _flush() {
      if (this.writableEnded) return;
      checkStatus(this.statusCode);
      host.write(this.statusCode, this._flatHeaders(), responseBody(this._chunks), this._reason());
      this._chunks = [];
    }
    // The reason phrase to send: res.statusMessage when set (checked as a header value is), else the standard one.
    _reason() {
      if (this.statusMessage === undefined || this.statusMessage === null) return undefined;
      const reason = String(this.statusMessage);
      if (INVALID_VALUE.test(reason)) throw typeError('Invalid character in statusMessage', 'ERR_INVALID_CHAR');
      return reason;
    }
    _flatHeaders() {
      const flat = [];
      for (const [, [name, value]] of this._headers) {
        if (Array.isArray(value)) for (const v of value) flat.push(name, String(v));
        else flat.push(name, String(value));
      }
      return flat;
    }
    end(chunk, encoding, callback) {
      if (this.writableEnded) return this;
      if (typeof chunk === 'function') { callback = chunk; chunk = undefined; }
      if (typeof encoding === 'function') { callback = encoding; encoding = undefined; }
      checkStatus(this.statusCode);
      if (chunk !== undefined && chunk !== null) this.write(chunk, encoding);
      this.headersSent = true;
      this.writableEnded = true;
      this.finished = true;
      host.respond(this.statusCode, this._flatHeaders(), responseBody(this._chunks), this._reason());
      this._chunks = [];
      if (typeof callback === 'function') queueMicrotask(callback);
      return this;
    }
  }

  // An error as its author sees it: Renga's own frames are left out of the stack.
  const describe = (error) => {
    if (!(error instanceof Error)) return 'Uncaught ' + format([error]);
    const stack = String(error.stack || error);
    return stack.split('\n').filter((line) => !line.includes('(renga:')).join('\n');
  };

  // Entry point: bind the request's host bridge, then run the handler once with this request.
  const run = (bridge, handler, method, url, httpVersion, headerPairs, body) => {
    if (host !== undefined) throw new Error('a context serves one request only');
    host = bridge;
    // Only when renga.sandbox.test-capabilities is on (Renga's own tests).
    if (host.blockHost) globalThis.__rengaBlockHost = (ms) => host.blockHost(ms);
    const headers = {};
    for (let i = 0; i + 1 < headerPairs.length; i += 2) {
      const name = headerPairs[i];
      headers[name] = name in headers ? headers[name] + ', ' + headerPairs[i + 1] : headerPairs[i + 1];
    }
    const req = new IncomingMessage(method, url, httpVersion, headers, body);
    const res = new ServerResponse();
    response = res;
    handler(req, res).catch((error) => host.fail(describe(error)));
  };

  // The host calls this at the end of a turn after which the handler still waits on something: what it wrote during
  // the turn is streamed now. (A handler with nothing left to wait on gets no-response instead, its writes unsent.)
  let response;
  const flush = () => {
    if (response !== undefined && response._chunks.length > 0) response._flush();
  };

  // What outbound.js builds on: outbound-globals.js calls outbound(timers) when a handler first touches fetch,
  // Headers, Response or the http client, and the host evaluates outbound.js with this runtime's EventEmitter.
  const shared = Object.freeze({ Emitter });
  const outbound = (timers) => host.outbound(timers, shared);

  return { run, fireTimer, flush, outbound };
})
