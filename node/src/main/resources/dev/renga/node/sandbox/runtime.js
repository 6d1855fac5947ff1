// The per-request runtime: Node-style req/res, console and timers around the host bridge.
// Evaluated once in every fresh context; it returns the entry point the RequestActor calls.
// The host bridge stays inside this closure: handler code can never reach it.
(function (host) {
  'use strict';

  const format = (args) => args.map((a) => {
    if (typeof a === 'string') return a;
    if (a instanceof Error) return a.stack || String(a);
    try {
      const json = JSON.stringify(a);
      return json === undefined ? String(a) : json;
    } catch (e) {
      return String(a);
    }
  }).join(' ');

  const console = Object.freeze({
    log: (...args) => host.log('info', format(args)),
    info: (...args) => host.log('info', format(args)),
    debug: (...args) => host.log('debug', format(args)),
    warn: (...args) => host.log('warn', format(args)),
    error: (...args) => host.log('error', format(args)),
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

  // Only when renga.sandbox.test-capabilities is on (Renga's own tests).
  if (host.blockHost) globalThis.__rengaBlockHost = (ms) => host.blockHost(ms);

  // A minimal EventEmitter for req and res.
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

  class IncomingMessage extends Emitter {
    constructor(method, url, httpVersion, headers, body) {
      super();
      this.method = method;
      this.url = url;
      this.httpVersion = httpVersion;
      this.headers = headers;
      this._body = body;
      this._flowing = false;
      this.complete = false;
    }
    setEncoding() { return this; }
    // The body is delivered once something listens, after the handler's synchronous part, as in Node.
    _listening(event) {
      if ((event === 'data' || event === 'end') && !this._flowing) {
        this._flowing = true;
        setImmediate(() => {
          if (this._body.length > 0) this.emit('data', this._body);
          this.complete = true;
          this.emit('end');
        });
      }
    }
    resume() { this._listening('data'); return this; }
    text() { return Promise.resolve(this._body); }
    json() { return Promise.resolve(this._body).then((text) => JSON.parse(text)); }
    async *[Symbol.asyncIterator]() { if (this._body.length > 0) yield this._body; }
  }

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
      if (!Number.isInteger(status) || status < 100 || status > 999) throw new RangeError('Invalid status code: ' + statusCode);
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
    write(chunk, encoding, callback) {
      if (this.writableEnded) throw new Error('write after end');
      if (typeof encoding === 'function') callback = encoding;
      this.headersSent = true;
      if (chunk !== undefined && chunk !== null) this._chunks.push(typeof chunk === 'string' ? chunk : String(chunk));
      if (typeof callback === 'function') queueMicrotask(callback);
      return true;
    }
    end(chunk, encoding, callback) {
      if (this.writableEnded) return this;
      if (typeof chunk === 'function') { callback = chunk; chunk = undefined; }
      if (typeof encoding === 'function') callback = encoding;
      if (chunk !== undefined && chunk !== null) this.write(chunk);
      this.headersSent = true;
      this.writableEnded = true;
      this.finished = true;
      const flat = [];
      for (const [, [name, value]] of this._headers) {
        if (Array.isArray(value)) for (const v of value) flat.push(name, String(v));
        else flat.push(name, String(value));
      }
      host.respond(this.statusCode, flat, this._chunks.join(''));
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

  // Entry point: run the handler once with this request.
  const run = (handler, method, url, httpVersion, headerPairs, body) => {
    const headers = {};
    for (let i = 0; i + 1 < headerPairs.length; i += 2) {
      const name = headerPairs[i];
      headers[name] = name in headers ? headers[name] + ', ' + headerPairs[i + 1] : headerPairs[i + 1];
    }
    const req = new IncomingMessage(method, url, httpVersion, headers, body);
    const res = new ServerResponse();
    handler(req, res).catch((error) => host.fail(describe(error)));
  };

  return { run, fireTimer };
})
