// The runtime Renga runs in every context before any handler code: Node-style req/res, console, timers, require and
// the globals around each request's host bridge. It returns open(bridge), which starts one request, and lockdown().
//
// Isolation `context`: a context serves one request (open once; a second open is refused). Isolation `scope`: the
// context belongs to one handler, lockdown() deep-freezes its realm before any handler code runs, and many requests
// open in it, one turn at a time. Either way everything a request owns (its host bridge, timers, modules, response)
// lives in its own state object, reached through `current`, which points at the request whose turn runs now: every
// request's entry point sets it, and so does enter(), which the host calls before it delivers anything else. No
// handler can reach another request's state, so the shared functions below (setTimeout, console.log, res.end...)
// always act for the request that calls them.
//
// The built-ins this file uses are captured before handler code runs (as Node's primordials): whatever a handler
// does to Array.prototype.push or Map.prototype.get, res.end() still works.
(function (engine, testCapabilities, builtinNames) {
  'use strict';

  // ---- Primordials -----------------------------------------------------------------------------------------------
  const {
    Array, ArrayBuffer, Error, JSON, Map, Math, Number, Object, Promise, RangeError, Reflect, RegExp, Set, String,
    Symbol, TextEncoder, TypeError, Uint8Array,
  } = globalThis;
  const uncurryThis = Function.prototype.bind.bind(Function.prototype.call);
  const ArrayIsArray = Array.isArray;
  const ArrayPrototypeIncludes = uncurryThis(Array.prototype.includes);
  const ArrayPrototypeJoin = uncurryThis(Array.prototype.join);
  const ArrayPrototypePush = uncurryThis(Array.prototype.push);
  const ArrayPrototypeSlice = uncurryThis(Array.prototype.slice);
  const ArrayBufferIsView = ArrayBuffer.isView;
  const ArrayBufferPrototypeSlice = uncurryThis(ArrayBuffer.prototype.slice);
  const JSONParse = JSON.parse;
  const MapPrototypeClear = uncurryThis(Map.prototype.clear);
  const MapPrototypeDelete = uncurryThis(Map.prototype.delete);
  const MapPrototypeForEach = uncurryThis(Map.prototype.forEach);
  const MapPrototypeGet = uncurryThis(Map.prototype.get);
  const WeakMapPrototypeGet = uncurryThis(WeakMap.prototype.get);
  const WeakMapPrototypeSet = uncurryThis(WeakMap.prototype.set);
  const MapPrototypeHas = uncurryThis(Map.prototype.has);
  const MapPrototypeSet = uncurryThis(Map.prototype.set);
  const MathFloor = Math.floor;
  const MathMax = Math.max;
  const NumberIsInteger = Number.isInteger;
  const ObjectDefineProperty = Object.defineProperty;
  const ObjectFreeze = Object.freeze;
  const ObjectGetOwnPropertyDescriptor = Object.getOwnPropertyDescriptor;
  const ObjectGetPrototypeOf = Object.getPrototypeOf;
  const ObjectKeys = Object.keys;
  const PromisePrototypeThen = uncurryThis(Promise.prototype.then);
  const PromiseResolve = (value) => new Promise((resolve) => resolve(value));
  const ReflectApply = Reflect.apply;
  const ReflectOwnKeys = Reflect.ownKeys;
  const RegExpPrototypeExec = uncurryThis(RegExp.prototype.exec);
  const SetPrototypeAdd = uncurryThis(Set.prototype.add);
  const SetPrototypeHas = uncurryThis(Set.prototype.has);
  const StringPrototypeIncludes = uncurryThis(String.prototype.includes);
  const StringPrototypeLastIndexOf = uncurryThis(String.prototype.lastIndexOf);
  const StringPrototypeSlice = uncurryThis(String.prototype.slice);
  const StringPrototypeSplit = uncurryThis(String.prototype.split);
  const StringPrototypeStartsWith = uncurryThis(String.prototype.startsWith);
  const StringPrototypeToLowerCase = uncurryThis(String.prototype.toLowerCase);
  const TypedArrayPrototype = ObjectGetPrototypeOf(Uint8Array.prototype);
  const TypedArrayPrototypeSet = uncurryThis(TypedArrayPrototype.set);
  const TypedArrayPrototypeSlice = uncurryThis(TypedArrayPrototype.slice);
  const TypedArrayPrototypeGetLength = uncurryThis(ObjectGetOwnPropertyDescriptor(TypedArrayPrototype, 'length').get);
  const test = (regexp, string) => RegExpPrototypeExec(regexp, string) !== null;
  const typeError = (message, code) => {
    const error = new TypeError(message);
    error.code = code;
    return error;
  };

  // The global names of the realm itself, before this file adds its own (lockdown tells the two apart).
  const INTRINSIC_GLOBALS = ReflectOwnKeys(globalThis);

  // ---- The request whose turn runs now ---------------------------------------------------------------------------
  let current;
  // Whether more than one request may open in this context: only once lockdown() froze it.
  let shared = false;
  let opened = false;

  // As Node's console does: util.format, so objects show as util.inspect shows them (util.js loads on first use).
  const format = (args) => loadBuiltin('util').format(...args);
  const log = (level, text) => current.host.log(level, text);
  // Not frozen: in `context` a handler may replace its methods, as in Node (lockdown freezes it in `scope`).
  const console = {
    log: (...args) => log('info', format(args)),
    info: (...args) => log('info', format(args)),
    debug: (...args) => log('debug', format(args)),
    warn: (...args) => log('warn', format(args)),
    error: (...args) => log('error', format(args)),
    trace: (...args) =>
      log('error', 'Trace: ' + format(args) + '\n'
        + ArrayPrototypeJoin(ArrayPrototypeSlice(StringPrototypeSplit(new Error().stack, '\n'), 2), '\n')),
    dir: (value, options) => log('info', loadBuiltin('util').inspect(value, options)),
  };

  // Timers: the host schedules a message to the request's actor; the actor calls fireTimer back. setTimeout and
  // setInterval return a Timeout, setImmediate an Immediate, as in Node: ref()/unref() say whether the timer keeps
  // the request waiting (an unref'd one fires only while something else does), refresh() starts its delay again,
  // and the number it converts to is its id (clearTimeout takes either).
  // Its request and id stay out of reach (a handler reaches no host function through a timer): in a WeakMap, not in
  // private fields, since this file is evaluated for every context and private names made per evaluation pile up in
  // the engine's shared shape tree (RuntimeSourcesTest).
  const timeouts = new WeakMap();
  const timeoutOf = (timeout) => WeakMapPrototypeGet(timeouts, timeout);
  const setRef = (timeout, ref) => {
    const state = timeoutOf(timeout);
    if (state.ref !== ref) {
      state.ref = ref;
      const entry = MapPrototypeGet(state.request.timers, state.id);
      if (entry !== undefined) {
        entry.ref = ref;
        state.request.host.refTimer(state.id, ref);
      }
    }
    return timeout;
  };
  class Timeout {
    constructor(request, id) {
      WeakMapPrototypeSet(timeouts, this, { request, id, ref: true });
    }
    ref() { return setRef(this, true); }
    unref() { return setRef(this, false); }
    hasRef() { return timeoutOf(this).ref; }
    refresh() {
      const { request, id } = timeoutOf(this);
      const entry = MapPrototypeGet(request.timers, id);
      if (entry !== undefined) {
        request.host.clearTimer(id);
        request.host.setTimer(id, entry.ms, entry.ref);
      }
      return this;
    }
    close() {
      const { request, id } = timeoutOf(this);
      if (MapPrototypeDelete(request.timers, id)) request.host.clearTimer(id);
      return this;
    }
    [Symbol.toPrimitive]() { return timeoutOf(this).id; }
  }
  class Immediate extends Timeout {}
  const addTimer = (callback, delay, args, repeat, Kind) => {
    if (typeof callback !== 'function') throw typeError('The "callback" argument must be a function', 'ERR_INVALID_ARG_TYPE');
    const request = current;
    const id = request.nextTimerId++;
    const ms = MathMax(0, MathFloor(Number(delay) || 0));
    const timer = new Kind(request, id);
    // Once the request uses AsyncLocalStorage, a timer's callback runs with the stores of the code that set it.
    if (request.asyncStores !== undefined) callback = withStores(request, request.asyncStores, callback);
    MapPrototypeSet(request.timers, id, { callback, args, repeat, ms, ref: true });
    request.host.setTimer(id, ms, true);
    return timer;
  };
  const withStores = (request, stores, callback) => (...args) => {
    const previous = request.asyncStores;
    request.asyncStores = stores;
    try {
      return ReflectApply(callback, undefined, args);
    } finally {
      request.asyncStores = previous;
    }
  };
  const clearTimer = (timer) => {
    if (timer instanceof Timeout) {
      timer.close();
      return;
    }
    const id = Number(timer);
    if (MapPrototypeDelete(current.timers, id)) current.host.clearTimer(id);
  };
  const setTimeout = (callback, ms, ...args) => addTimer(callback, ms, args, false, Timeout);
  const setInterval = (callback, ms, ...args) => addTimer(callback, ms, args, true, Timeout);
  const setImmediate = (callback, ...args) => addTimer(callback, 0, args, false, Immediate);
  const queueMicrotask = (callback) => {
    if (typeof callback !== 'function') throw typeError('The "callback" argument must be a function', 'ERR_INVALID_ARG_TYPE');
    PromisePrototypeThen(PromiseResolve(), () => callback());
  };
  // process.env: the request's tenant's env and secrets (renga.tenants), a fresh object per request made on first
  // read, so in `scope` (one frozen `process` for every request of a handler) no request sees another's values, and
  // what a handler writes into it stays in its own request.
  const processEnv = (request) => {
    if (request.env === undefined) {
      const pairs = request.host.env();
      const env = {};
      for (let i = 0; i + 1 < pairs.length; i += 2) env[pairs[i]] = pairs[i + 1];
      request.env = env;
    }
    return request.env;
  };

  // Error.stackTraceLimit and Error.prepareStackTrace: V8's hooks, which npm packages set around the errors they make
  // (redis-errors, under ioredis: `Error.stackTraceLimit = 2`, then the old value back; depd: prepareStackTrace).
  // GraalJS has neither, and under `scope` Error is frozen and shared by the handler's requests, so assigning would
  // throw. Each becomes an accessor that keeps what a request assigns as that request's own value (the engine does
  // not consult it, as without Renga's accessor); assigning on a subclass gives the subclass its own property, as V8.
  const ERROR_HOOKS = ObjectFreeze({ __proto__: null, stackTraceLimit: 10, prepareStackTrace: undefined });
  const errorHooks = { __proto__: null };
  const errorHooksOf = () => {
    if (current === undefined) return errorHooks;
    if (current.errorHooks === undefined) current.errorHooks = { __proto__: null };
    return current.errorHooks;
  };
  for (const name of ObjectKeys(ERROR_HOOKS)) {
    const accessors = {
      get() {
        const own = errorHooksOf();
        return name in own ? own[name] : ERROR_HOOKS[name];
      },
      set(value) {
        if (this !== Error) ObjectDefineProperty(this, name, { value, writable: true, enumerable: true, configurable: true });
        else errorHooksOf()[name] = value;
      },
    };
    ObjectDefineProperty(Error, name, { get: accessors.get, set: accessors.set, enumerable: false, configurable: true });
  }

  // Nashorn-era globals that name Java packages: handlers have no host access, so they only mislead.
  for (const name of ['Packages', 'java', 'javax', 'javafx', 'com', 'org', 'edu', 'net', 'Java']) {
    delete globalThis[name];
  }

  // Built-in modules (modules/*.js): each module's factory is evaluated once per context (from a Source shared by
  // all contexts, so it is parsed and compiled once per engine), and called once per request, on the module's first
  // require in that request: every request has module instances of its own, in either level, so no closure state of a
  // module (a vendored library's "warned" flag, a cache, a default) written by one request is seen by the next.
  // Factories get `internal`, which handlers never see.
  // The names handlers may require (JsEngine.BUILTINS); others, such as vendor/stream, only built-ins require.
  const BUILTINS = ObjectFreeze(StringPrototypeSplit(builtinNames, ','));
  const factories = new Map();
  const factoryOf = (name) => {
    let factory = MapPrototypeGet(factories, name);
    if (factory === undefined) {
      factory = engine.builtin(name);
      MapPrototypeSet(factories, name, factory);
    }
    return factory;
  };
  // Module instances made outside any request (none in normal operation: every require comes from a request's turn).
  const unscoped = new Map();
  const loadBuiltin = (name) => {
    const instances = current === undefined ? unscoped : current.builtins;
    let exports = MapPrototypeGet(instances, name);
    if (exports === undefined) {
      exports = factoryOf(name)(internal, name);
      MapPrototypeSet(instances, name, exports);
    }
    return exports;
  };
  const internal = ObjectFreeze({
    require: loadBuiltin,
    builtins: BUILTINS,
    timers: ObjectFreeze({ setTimeout, setInterval, setImmediate, clearTimeout: clearTimer, clearInterval: clearTimer,
      clearImmediate: clearTimer, queueMicrotask, Timeout, Immediate }),
    // AsyncLocalStorage's stores (async_hooks.js): the current request's map of storage -> store, which timers keep.
    asyncStores: ObjectFreeze({
      get: () => current.asyncStores,
      set: (stores) => { current.asyncStores = stores; },
      run: (stores, callback, thisArg, args) => withStores(current, stores, (...a) => ReflectApply(callback, thisArg, a))(...args),
    }),
    // Writes to the request's log as console does (process.emitWarning, process.stdout).
    log: (level, text) => log(level, text),
    // process.env of the current request (process.js).
    env: () => processEnv(current),
    setEnv: (value) => { current.env = value; },
    host: ObjectFreeze({
      encode: (...args) => engine.encode(...args),
      hash: (...args) => engine.hash(...args),
      pbkdf2: (...args) => engine.pbkdf2(...args),
      randomBytes: (size) => engine.randomBytes(size),
      randomUUID: () => engine.randomUUID(),
      nanoTime: () => engine.nanoTime(),
      memory: () => engine.memory(),
    }),
    // The current request's sockets and DNS look-ups (net.js, tls.js, dns.js): per request, even where the modules
    // themselves are shared (`scope`).
    sockets: () => socketsOf(current),
    // The outbound HTTP client behind require('http').request/get (outbound.js, one per request that uses it).
    outbound: () => {
      const module = outbound(current).httpModule;
      return {
        request: (scheme, ...args) => module(scheme).request(...args),
        get: (scheme, ...args) => module(scheme).get(...args),
      };
    },
  });

  // One request's sockets: the host's functions (RequestSockets) and who gets each socket's or look-up's events.
  const socketsOf = (request) => {
    if (request.sockets === undefined) {
      const targets = request.socketTargets;
      request.sockets = ObjectFreeze({
        host: request.host.sockets(),
        listen: (id, target) => { MapPrototypeSet(targets, id, target); },
        forget: (id) => { MapPrototypeDelete(targets, id); },
      });
    }
    return request.sockets;
  };

  // A module other than a built-in: a relative module of a fetched file (prefetched with the handler), or a bare
  // name or a package's file from the operator's package directory (read by the node). Each runs once per request:
  // a fresh instance per require episode, never shared with another request.
  const notFound = (id, from, reason) => {
    const error = new Error("Cannot find module '" + id + "' required from " + from + ': ' + reason);
    error.code = 'MODULE_NOT_FOUND';
    return error;
  };
  const isRelative = (id) => StringPrototypeStartsWith(id, './') || StringPrototypeStartsWith(id, '../');
  const notBuiltin = () => 'it is not one of the built-in modules (' + ArrayPrototypeJoin(BUILTINS, ', ') + ')';
  const findModule = (from, id) => {
    const found = current.host.module(from, id);
    if (found[0] === null) throw notFound(id, from, isRelative(id) ? found[1] : notBuiltin() + ', and ' + found[1]);
    return found;
  };
  const loadModule = (from, id) => {
    const request = current;
    const found = findModule(from, id);
    const name = found[0];
    const kind = found[1];
    const value = found[2];
    const cached = MapPrototypeGet(request.modules, name);
    if (cached !== undefined) return cached.exports;
    const module = { id: name, filename: name, loaded: false, exports: {}, children: [], paths: [] };
    module.require = requireFrom(name);
    MapPrototypeSet(request.modules, name, module);
    if (kind === 'json') {
      module.exports = JSONParse(value);
    } else {
      const dirname = StringPrototypeSlice(name, 0, StringPrototypeLastIndexOf(name, '/'));
      ReflectApply(value, module.exports, [module.exports, module.require, module, name, dirname]);
    }
    module.loaded = true;
    return module.exports;
  };
  const builtinName = (id) => {
    if (typeof id !== 'string' || id === '') throw new TypeError('The "id" argument must be a non-empty string');
    const name = StringPrototypeStartsWith(id, 'node:') ? StringPrototypeSlice(id, 5) : id;
    if (ArrayPrototypeIncludes(BUILTINS, name)) return name;
    if (name !== id) throw notFound(id, current.handlerUrl, notBuiltin());
    return undefined;
  };
  const resolve = (from, id) => {
    const name = builtinName(id);
    return name !== undefined ? loadBuiltin(name) : loadModule(from, id);
  };
  const requireFrom = (from) => {
    const require = (id) => resolve(from, id);
    require.resolve = (id) => {
      const name = builtinName(id);
      return name !== undefined ? name : findModule(from, id)[0];
    };
    require.cache = ObjectFreeze({ __proto__: null });
    return require;
  };
  // The handler's own require: relative to the URL of the request's handler.
  const require = (id) => resolve(current.handlerUrl, id);
  require.resolve = (id) => {
    const name = builtinName(id);
    return name !== undefined ? name : findModule(current.handlerUrl, id)[0];
  };
  require.cache = ObjectFreeze({ __proto__: null });

  // fetch, Headers, Response and the http client (outbound.js) are evaluated per request, on first use: most
  // requests never use them. The timers it gets are this runtime's, captured before handler code ran.
  const outbound = (request) => {
    if (request.outbound === undefined) {
      request.outbound = request.host.outbound(ObjectFreeze({ setImmediate, setTimeout, clearTimeout }), outboundShared);
    }
    return request.outbound;
  };

  // Globals whose value is made on first use, so a request that does not use them does not pay for them. `settle`
  // keeps the value as the global's own once read, while the context serves one request (`context`; in `scope`, only
  // `global`, settled by lockdown); otherwise each read asks the current request: under `scope` the global Buffer,
  // process, URL... are the current request's own module instances, the same ones its require() returns.
  const defineGlobal = (name, value, enumerable = false) =>
    ObjectDefineProperty(globalThis, name, { value, writable: true, configurable: true, enumerable });
  // The loaders of the globals that settle (lockdown loads their modules once, to see what they override).
  const lazyGlobals = [];
  const lazyGlobal = (name, load, settle) => {
    if (settle) ArrayPrototypePush(lazyGlobals, load);
    ObjectDefineProperty(globalThis, name, {
      configurable: true,
      enumerable: false,
      get() {
        const value = load();
        if (settle && !shared) defineGlobal(name, value);
        return value;
      },
      // A handler's own value replaces it (in `scope` the frozen global refuses: TypeError in strict code).
      set(value) { defineGlobal(name, value); },
    });
  };
  for (const [name, value] of [['console', console], ['queueMicrotask', queueMicrotask], ['setTimeout', setTimeout],
    ['setInterval', setInterval], ['setImmediate', setImmediate], ['clearTimeout', clearTimer],
    ['clearInterval', clearTimer], ['clearImmediate', clearTimer], ['require', require]]) {
    defineGlobal(name, value, true);
  }
  lazyGlobal('process', () => loadBuiltin('process'), true);
  lazyGlobal('global', () => globalThis, true);
  lazyGlobal('Buffer', () => loadBuiltin('buffer').Buffer, true);
  lazyGlobal('atob', () => loadBuiltin('buffer').atob, true);
  lazyGlobal('btoa', () => loadBuiltin('buffer').btoa, true);
  lazyGlobal('URL', () => loadBuiltin('url').URL, true);
  lazyGlobal('URLSearchParams', () => loadBuiltin('url').URLSearchParams, true);
  lazyGlobal('crypto', () => loadBuiltin('webcrypto'), true);
  lazyGlobal('performance', () => loadBuiltin('perf_hooks').performance, true);
  lazyGlobal('AbortController', () => loadBuiltin('vendor/abort-controller').AbortController, true);
  lazyGlobal('AbortSignal', () => loadBuiltin('vendor/abort-controller').AbortSignal, true);
  lazyGlobal('EventTarget', () => loadBuiltin('vendor/abort-controller').EventTarget, true);
  lazyGlobal('fetch', () => outbound(current).fetch, false);
  lazyGlobal('Headers', () => outbound(current).Headers, false);
  lazyGlobal('Response', () => outbound(current).Response, false);
  if (testCapabilities) defineGlobal('__rengaBlockHost', (ms) => current.host.blockHost(ms));

  // A minimal EventEmitter for req and res, and for outbound.js's client requests and responses; _listening(event)
  // tells a stream that someone now listens. (require('events') has the full one; loading it for every request
  // would cost every request.)
  class Emitter {
    constructor() { this._listeners = new Map(); }
    on(event, listener) {
      const list = MapPrototypeGet(this._listeners, event) || [];
      ArrayPrototypePush(list, listener);
      MapPrototypeSet(this._listeners, event, list);
      this._listening(event);
      return this;
    }
    once(event, listener) {
      const wrapped = (...args) => { this.off(event, wrapped); ReflectApply(listener, this, args); };
      return this.on(event, wrapped);
    }
    off(event, listener) {
      const list = MapPrototypeGet(this._listeners, event);
      if (list) {
        const kept = [];
        for (let i = 0; i < list.length; i++) if (list[i] !== listener) ArrayPrototypePush(kept, list[i]);
        MapPrototypeSet(this._listeners, event, kept);
      }
      return this;
    }
    removeAllListeners(event) {
      if (event === undefined) MapPrototypeClear(this._listeners);
      else MapPrototypeDelete(this._listeners, event);
      return this;
    }
    listenerCount(event) { return (MapPrototypeGet(this._listeners, event) || []).length; }
    emit(event, ...args) {
      const list = MapPrototypeGet(this._listeners, event);
      if (!list || list.length === 0) return false;
      const listeners = ArrayPrototypeSlice(list);
      for (let i = 0; i < listeners.length; i++) ReflectApply(listeners[i], this, args);
      return true;
    }
    _listening(event) {}
  }
  Emitter.prototype.addListener = Emitter.prototype.on;
  Emitter.prototype.removeListener = Emitter.prototype.off;
  const outboundShared = ObjectFreeze({ Emitter });

  // The request body as a Buffer, made on first use: from the host's UTF-8 text when the bytes are valid UTF-8
  // (the engine's native encoder), else copied from the bytes.
  const bodyBytes = (request, text) => {
    const { Buffer } = loadBuiltin('buffer');
    if (request.host.requestBodyIsUtf8()) {
      const bytes = encoder.encode(text);
      return Buffer.from(bytes.buffer, bytes.byteOffset, TypedArrayPrototypeGetLength(bytes));
    }
    const view = new Uint8Array(request.host.requestBody());
    const copy = Buffer.allocUnsafe(TypedArrayPrototypeGetLength(view));
    TypedArrayPrototypeSet(copy, view);
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
      this._encoding = encoding === undefined || encoding === null ? 'utf8' : StringPrototypeToLowerCase(String(encoding));
      return this;
    }
    _body() {
      if (this._bytes === undefined) this._bytes = bodyBytes(current, this._text);
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
    text() { return PromiseResolve(this._text); }
    json() { return PromisePrototypeThen(PromiseResolve(this._text), (text) => JSONParse(text)); }
    arrayBuffer() {
      return PromisePrototypeThen(PromiseResolve(), () => {
        const bytes = this._body();
        return ArrayBufferPrototypeSlice(bytes.buffer, bytes.byteOffset, bytes.byteOffset + TypedArrayPrototypeGetLength(bytes));
      });
    }
    async *[Symbol.asyncIterator]() { if (this._text.length > 0) yield this._chunk(); }
  }

  // A chunk as written: a string stays a string (UTF-8 unless another encoding is named), bytes stay bytes.
  const bodyChunk = (chunk, encoding) => {
    if (typeof chunk === 'string') {
      if (typeof encoding !== 'string' || test(/^utf-?8$/i, encoding)) return chunk;
      return loadBuiltin('buffer').Buffer.from(chunk, encoding);
    }
    if (ArrayBufferIsView(chunk)) {
      return TypedArrayPrototypeSlice(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    }
    if (chunk instanceof ArrayBuffer) return new Uint8Array(ArrayBufferPrototypeSlice(chunk, 0));
    return String(chunk);
  };

  // What the host gets: one string when every chunk was text, else one ArrayBuffer of all the bytes.
  const encoder = new TextEncoder();
  const responseBody = (chunks) => {
    let text = true;
    for (let i = 0; i < chunks.length; i++) if (typeof chunks[i] !== 'string') text = false;
    if (text) return ArrayPrototypeJoin(chunks, '');
    const parts = [];
    let size = 0;
    for (let i = 0; i < chunks.length; i++) {
      const part = typeof chunks[i] === 'string' ? encoder.encode(chunks[i]) : chunks[i];
      ArrayPrototypePush(parts, part);
      size += TypedArrayPrototypeGetLength(part);
    }
    const out = new Uint8Array(size);
    let at = 0;
    for (let i = 0; i < parts.length; i++) {
      TypedArrayPrototypeSet(out, parts[i], at);
      at += TypedArrayPrototypeGetLength(parts[i]);
    }
    return out.buffer;
  };

  // Header names and values as Node checks them: a name is an HTTP token; a value is defined and has no control
  // characters other than tab (so no CR, LF or NUL can split or end a header line).
  const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
  const INVALID_VALUE = /[^\t\x20-\x7e\x80-\xff]/;
  const checkHeader = (name, value) => {
    if (typeof name !== 'string' || !test(TOKEN, name)) {
      throw typeError('Header name must be a valid HTTP token ["' + name + '"]', 'ERR_INVALID_HTTP_TOKEN');
    }
    if (value === undefined) {
      throw typeError('Invalid value "undefined" for header "' + name + '"', 'ERR_HTTP_INVALID_HEADER_VALUE');
    }
    const values = ArrayIsArray(value) ? value : [value];
    for (let i = 0; i < values.length; i++) {
      if (test(INVALID_VALUE, String(values[i]))) {
        throw typeError('Invalid character in header content ["' + name + '"]', 'ERR_INVALID_CHAR');
      }
    }
  };
  const checkStatus = (status) => {
    if (!NumberIsInteger(status) || status < 100 || status > 999) {
      const error = new RangeError('Invalid status code: ' + status);
      error.code = 'ERR_HTTP_INVALID_STATUS_CODE';
      throw error;
    }
  };

  class ServerResponse extends Emitter {
    constructor() {
      super();
      this._headWritten = false;
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
      MapPrototypeSet(this._headers, StringPrototypeToLowerCase(String(name)), [String(name), value]);
      return this;
    }
    getHeader(name) {
      const entry = MapPrototypeGet(this._headers, StringPrototypeToLowerCase(String(name)));
      return entry === undefined ? undefined : entry[1];
    }
    hasHeader(name) { return MapPrototypeHas(this._headers, StringPrototypeToLowerCase(String(name))); }
    removeHeader(name) {
      if (this.headersSent) throw new Error('Cannot remove headers after they are sent to the client');
      MapPrototypeDelete(this._headers, StringPrototypeToLowerCase(String(name)));
    }
    getHeaderNames() {
      const names = [];
      MapPrototypeForEach(this._headers, (entry, key) => ArrayPrototypePush(names, key));
      return names;
    }
    getHeaders() {
      const out = {};
      MapPrototypeForEach(this._headers, (entry, key) => { out[key] = entry[1]; });
      return out;
    }
    // The handler's first writeHead, write or end: the console output up to here is what x-haiku-console: header
    // returns (as in haiku-http).
    _writingHead() {
      if (!this._headWritten) {
        this._headWritten = true;
        current.host.headWritten();
      }
    }
    writeHead(statusCode, reason, headers) {
      this._writingHead();
      if (this.headersSent) throw new Error('Cannot write headers after they are sent to the client');
      if (typeof reason !== 'string') { headers = reason; reason = undefined; }
      const status = Number(statusCode);
      checkStatus(status);
      this.statusCode = status;
      if (reason !== undefined) this.statusMessage = reason;
      if (ArrayIsArray(headers)) {
        for (let i = 0; i + 1 < headers.length; i += 2) this.setHeader(headers[i], headers[i + 1]);
      } else if (headers) {
        const names = ObjectKeys(headers);
        for (let i = 0; i < names.length; i++) this.setHeader(names[i], headers[names[i]]);
      }
      this.headersSent = true;
      return this;
    }
    // Writes are collected during a turn and streamed at its end (the host calls flush), unless the same turn also
    // ends the response (then the whole response goes as one message).
    write(chunk, encoding, callback) {
      this._writingHead();
      if (this.writableEnded) throw new Error('write after end');
      if (typeof encoding === 'function') callback = encoding;
      this.headersSent = true;
      if (chunk !== undefined && chunk !== null) ArrayPrototypePush(this._chunks, bodyChunk(chunk, encoding));
      if (typeof callback === 'function') queueMicrotask(callback);
      return true;
    }
    _flush() {
      if (this.writableEnded) return;
      checkStatus(this.statusCode);
      current.host.write(this.statusCode, this._flatHeaders(), responseBody(this._chunks), this._reason());
      this._chunks = [];
    }
    // The reason phrase to send: res.statusMessage when set (checked as a header value is), else the standard one.
    _reason() {
      if (this.statusMessage === undefined || this.statusMessage === null) return undefined;
      const reason = String(this.statusMessage);
      if (test(INVALID_VALUE, reason)) throw typeError('Invalid character in statusMessage', 'ERR_INVALID_CHAR');
      return reason;
    }
    _flatHeaders() {
      const flat = [];
      MapPrototypeForEach(this._headers, (entry) => {
        const name = entry[0];
        const value = entry[1];
        if (ArrayIsArray(value)) for (let i = 0; i < value.length; i++) ArrayPrototypePush(flat, name, String(value[i]));
        else ArrayPrototypePush(flat, name, String(value));
      });
      return flat;
    }
    end(chunk, encoding, callback) {
      this._writingHead();
      if (this.writableEnded) return this;
      if (typeof chunk === 'function') { callback = chunk; chunk = undefined; }
      if (typeof encoding === 'function') { callback = encoding; encoding = undefined; }
      checkStatus(this.statusCode);
      if (chunk !== undefined && chunk !== null) this.write(chunk, encoding);
      this.headersSent = true;
      this.writableEnded = true;
      this.finished = true;
      current.host.respond(this.statusCode, this._flatHeaders(), responseBody(this._chunks), this._reason());
      this._chunks = [];
      if (typeof callback === 'function') queueMicrotask(callback);
      return this;
    }
  }

  // An error as its author sees it: Renga's own frames are left out of the stack.
  const describe = (error) => {
    if (!(error instanceof Error)) return 'Uncaught ' + format([error]);
    const lines = StringPrototypeSplit(String(error.stack || error), '\n');
    const kept = [];
    for (let i = 0; i < lines.length; i++) if (!StringPrototypeIncludes(lines[i], '(renga:')) ArrayPrototypePush(kept, lines[i]);
    return ArrayPrototypeJoin(kept, '\n');
  };

  const fireTimer = (request, id) => {
    const timer = MapPrototypeGet(request.timers, id);
    if (timer === undefined) return;
    if (timer.repeat) request.host.setTimer(id, MathMax(1, timer.ms), timer.ref);
    else MapPrototypeDelete(request.timers, id);
    ReflectApply(timer.callback, undefined, timer.args);
  };

  // One request: binds its host bridge and returns the entry points its host calls, each a turn of its own.
  const open = (bridge) => {
    if (opened && !shared) throw new Error('a context serves one request only');
    opened = true;
    const request = {
      host: bridge,
      handlerUrl: bridge.handlerUrl(),
      timers: new Map(),
      nextTimerId: 1,
      modules: new Map(),
      builtins: new Map(),
      asyncStores: undefined,
      response: undefined,
      outbound: undefined,
      env: undefined,
      sockets: undefined,
      socketTargets: new Map(),
      errorHooks: undefined,
    };
    current = request;
    return ObjectFreeze({
      // Points `current` here before the host delivers something else to this request (an outbound result).
      enter: () => { current = request; },
      // The request was stopped: `current` must not keep its state (its timers, sockets and whatever their closures
      // hold) alive until the next request of the context takes a turn.
      leave: () => { if (current === request) current = undefined; },
      // Runs the handler once with this request.
      run: (handler, method, url, httpVersion, headerPairs, body) => {
        current = request;
        const headers = {};
        for (let i = 0; i + 1 < headerPairs.length; i += 2) {
          const name = headerPairs[i];
          headers[name] = name in headers ? headers[name] + ', ' + headerPairs[i + 1] : headerPairs[i + 1];
        }
        const req = new IncomingMessage(method, url, httpVersion, headers, body);
        const res = new ServerResponse();
        request.response = res;
        // The file is the body of the handler function; it also sees CommonJS's module, exports, __filename and
        // __dirname, so an esbuild --platform=node bundle runs as it is. A file that sets module.exports (or an ES
        // module's default export) to a function is called with req and res once its body has run.
        const module = { id: '.', filename: request.handlerUrl, loaded: false, exports: {}, children: [], paths: [] };
        module.require = require;
        const dirname = StringPrototypeSlice(request.handlerUrl, 0, StringPrototypeLastIndexOf(request.handlerUrl, '/'));
        const started = handler(module, module.exports, request.handlerUrl, dirname)(req, res);
        const entry = PromisePrototypeThen(started, () => {
          module.loaded = true;
          const exported = module.exports;
          if (typeof exported === 'function') return exported(req, res);
          if (exported !== null && typeof exported === 'object' && typeof exported.default === 'function') {
            return exported.default(req, res);
          }
          return undefined;
        });
        PromisePrototypeThen(entry, undefined, (error) => request.host.fail(describe(error)));
      },
      fireTimer: (id) => {
        current = request;
        fireTimer(request, id);
      },
      // News about one of the request's sockets or look-ups (RequestSockets): to whoever listens for that id.
      socketEvent: (id, type, data, info) => {
        current = request;
        const target = MapPrototypeGet(request.socketTargets, id);
        if (target !== undefined) target(type, data, info);
      },
      // Called at the end of a turn after which the handler still waits on something: what it wrote during the turn
      // is streamed now. (A handler with nothing left to wait on gets no-response instead, its writes unsent.)
      flush: () => {
        current = request;
        if (request.response !== undefined && request.response._chunks.length > 0) request.response._flush();
      },
    });
  };

  // ---- lockdown: the `scope` isolation level ---------------------------------------------------------------------
  // Freezes everything a handler can reach before any handler code runs: every intrinsic (from the realm's own
  // globals and the hidden prototypes no global names), globalThis and this runtime's own objects (its classes,
  // console, the `internal` every module gets). Built-in modules are not frozen: every request makes its own instances
  // (their factories are evaluated here, once per context). What would carry one request's data to the next is removed: the legacy RegExp statics (RegExp.$1,
  // lastMatch, input...), FinalizationRegistry (its callbacks would run in another request's turn),
  // SharedArrayBuffer and Atomics.
  const hiddenIntrinsics = () => {
    const proto = ObjectGetPrototypeOf;
    const iteratorOf = (iterable) => iterable[Symbol.iterator]();
    const hidden = [
      proto(function* () {}), proto(async function () {}), proto(async function* () {}),
      proto((async function* () {})()), proto(proto(proto((async function* () {})()))),
      proto(Uint8Array), proto(iteratorOf([])), proto(iteratorOf(new Map())), proto(iteratorOf(new Set())),
      proto(iteratorOf('')), proto(proto(iteratorOf([]))), proto(/a/[Symbol.matchAll]('a')),
      ObjectGetOwnPropertyDescriptor(Function.prototype, 'caller')?.get,
      (function () { return ObjectGetOwnPropertyDescriptor(arguments, 'callee').get; })(),
    ];
    if (typeof Iterator === 'function' && typeof Iterator.prototype.map === 'function') {
      ArrayPrototypePush(hidden, proto(iteratorOf([]).map((x) => x)));
      if (typeof Iterator.from === 'function') ArrayPrototypePush(hidden, proto(Iterator.from({ next() {} })));
    }
    return hidden;
  };

  // Every object and function reachable from roots through properties (values, getters, setters) and prototypes.
  const reachable = (roots, seen) => {
    const found = [];
    const stack = ArrayPrototypeSlice(roots);
    while (stack.length > 0) {
      const value = stack.pop();
      if (value === null || (typeof value !== 'object' && typeof value !== 'function') || SetPrototypeHas(seen, value)) continue;
      SetPrototypeAdd(seen, value);
      ArrayPrototypePush(found, value);
      ArrayPrototypePush(stack, ObjectGetPrototypeOf(value));
      const keys = ReflectOwnKeys(value);
      for (let i = 0; i < keys.length; i++) {
        const descriptor = ObjectGetOwnPropertyDescriptor(value, keys[i]);
        if ('value' in descriptor) ArrayPrototypePush(stack, descriptor.value);
        else ArrayPrototypePush(stack, descriptor.get, descriptor.set);
      }
    }
    return found;
  };

  // Assigning to a property that a frozen prototype has (err.name = 'X', Ctor.prototype.toString = f) fails in
  // JavaScript (the "override mistake"). For these names on intrinsic prototypes, and for every method of Renga's
  // own prototypes (res.end = f, util.inherits subclasses), the property becomes an accessor whose setter gives the
  // object its own property instead, as Hardened JavaScript's lockdown does.
  const OVERRIDABLE = ['constructor', 'toString', 'valueOf', 'toLocaleString', 'toJSON', 'name', 'message', 'then',
    'hasOwnProperty', 'isPrototypeOf', 'propertyIsEnumerable', 'push', 'stack', 'code', 'inspect'];
  const enableOverride = (prototype, key) => {
    const descriptor = ObjectGetOwnPropertyDescriptor(prototype, key);
    if (descriptor === undefined || !('value' in descriptor) || !descriptor.writable || !descriptor.configurable) return;
    const value = descriptor.value;
    // Methods, not functions: they have no .prototype object of their own that would stay unfrozen.
    const accessors = {
      get() { return value; },
      set(replacement) {
        if (this === prototype) throw new TypeError("Cannot assign to read only property '" + String(key) + "' of a frozen prototype");
        ObjectDefineProperty(this, key, { value: replacement, writable: true, enumerable: true, configurable: true });
      },
    };
    ObjectDefineProperty(prototype, key, {
      get: ObjectFreeze(accessors.get), set: ObjectFreeze(accessors.set), enumerable: descriptor.enumerable, configurable: false,
    });
  };
  const isPrototype = (value) => {
    const constructor = ObjectGetOwnPropertyDescriptor(value, 'constructor');
    return constructor !== undefined && typeof constructor.value === 'function' && constructor.value.prototype === value;
  };

  const lockdown = () => {
    if (opened) throw new Error('lockdown must come before the first request');
    // Every built-in module instantiated once now, outside any request: this evaluates each factory (no request pays
    // for that), lets whatever a module does to the realm as it loads happen before the freeze, and shows which
    // intrinsic properties the modules' objects override (below). Requests make their own instances later.
    for (let i = 0; i < BUILTINS.length; i++) loadBuiltin(BUILTINS[i]);
    for (let i = 0; i < lazyGlobals.length; i++) lazyGlobals[i]();
    globalThis.global;
    for (const name of ['$1', '$2', '$3', '$4', '$5', '$6', '$7', '$8', '$9', 'input', '$_', 'lastMatch', '$&',
      'lastParen', '$+', 'leftContext', '$`', 'rightContext', "$'"]) {
      delete RegExp[name];
    }
    for (const name of ['FinalizationRegistry', 'SharedArrayBuffer', 'Atomics']) delete globalThis[name];

    const seen = new Set();
    const intrinsicRoots = hiddenIntrinsics();
    for (let i = 0; i < INTRINSIC_GLOBALS.length; i++) {
      if (INTRINSIC_GLOBALS[i] === 'globalThis') continue; // walked with Renga's own globals below
      const descriptor = ObjectGetOwnPropertyDescriptor(globalThis, INTRINSIC_GLOBALS[i]);
      if (descriptor !== undefined) ArrayPrototypePush(intrinsicRoots, descriptor.value, descriptor.get, descriptor.set);
    }
    const intrinsics = reachable(intrinsicRoots, seen);
    const own = reachable([globalThis, Emitter, IncomingMessage, ServerResponse, Timeout, Immediate, console, internal], seen);
    for (let i = 0; i < intrinsics.length; i++) {
      if (isPrototype(intrinsics[i])) for (let k = 0; k < OVERRIDABLE.length; k++) enableOverride(intrinsics[i], OVERRIDABLE[k]);
    }
    // A module evaluated in a frozen realm overrides intrinsic methods by assignment too (feross/buffer's
    // `Buffer.prototype.indexOf = ...` over Uint8Array.prototype.indexOf), which the override mistake would silently
    // ignore in its sloppy code: every intrinsic property that an object of a module shadows gets the same accessor.
    const intrinsicSet = new Set(intrinsics);
    const moduleRoots = [];
    MapPrototypeForEach(unscoped, (exports) => ArrayPrototypePush(moduleRoots, exports));
    const moduleObjects = reachable(moduleRoots, seen);
    for (let i = 0; i < moduleObjects.length; i++) {
      const keys = ReflectOwnKeys(moduleObjects[i]);
      for (let k = 0; k < keys.length; k++) {
        for (let proto = ObjectGetPrototypeOf(moduleObjects[i]); proto !== null; proto = ObjectGetPrototypeOf(proto)) {
          if (ObjectGetOwnPropertyDescriptor(proto, keys[k]) === undefined) continue;
          if (SetPrototypeHas(intrinsicSet, proto)) enableOverride(proto, keys[k]);
          break;
        }
      }
    }
    MapPrototypeClear(unscoped);
    for (let i = 0; i < own.length; i++) {
      if (isPrototype(own[i])) {
        const keys = ReflectOwnKeys(own[i]);
        for (let k = 0; k < keys.length; k++) enableOverride(own[i], keys[k]);
      }
    }
    for (let i = 0; i < intrinsics.length; i++) ObjectFreeze(intrinsics[i]);
    for (let i = 0; i < own.length; i++) ObjectFreeze(own[i]);
    shared = true;
    return intrinsics.length + own.length;
  };

  return ObjectFreeze({ open, lockdown });
})
