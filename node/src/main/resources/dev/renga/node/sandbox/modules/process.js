// require('process') and the global `process` (the same object): what npm packages read at run time. A handler has no
// operating-system process of its own, so it gets a neutral one: Node 20 on linux/x64, its tenant's environment, and
// exit() refused. nextTick runs on the microtask queue, as Node's nextTick queue runs before promise callbacks do.
(function (internal) {
  'use strict';

  const EventEmitter = internal.require('events');
  const { queueMicrotask } = internal.timers;
  const host = internal.host;

  const VERSION = 'v20.18.0';
  const startedAt = host.nanoTime();
  // Listeners are the request's own, as is this module instance (runtime.js makes one per request).
  const emitter = new EventEmitter();

  const nextTick = (callback, ...args) => {
    if (typeof callback !== 'function') {
      const error = new TypeError('The "callback" argument must be of type function. Received ' + typeof callback);
      error.code = 'ERR_INVALID_ARG_TYPE';
      throw error;
    }
    queueMicrotask(() => Reflect.apply(callback, undefined, args));
  };

  const hrtime = (previous) => {
    const now = host.nanoTime();
    let seconds = Math.floor(now / 1e9);
    let nanos = now - seconds * 1e9;
    if (Array.isArray(previous)) {
      seconds -= previous[0];
      nanos -= previous[1];
      if (nanos < 0) { seconds -= 1; nanos += 1e9; }
    }
    return [seconds, nanos];
  };
  hrtime.bigint = () => BigInt(Math.round(host.nanoTime()));

  const emitWarning = (warning, type, code) => {
    let options = {};
    if (type !== null && typeof type === 'object') { options = type; type = options.type; code = options.code; }
    const error = typeof warning === 'string' ? new Error(warning) : warning;
    error.name = typeof type === 'string' ? type : error.name === 'Error' ? 'Warning' : error.name;
    if (code !== undefined) error.code = code;
    if (process.listenerCount('warning') > 0) process.emit('warning', error);
    internal.log('warn', '(node) ' + (error.code ? '[' + error.code + '] ' : '') + error.name + ': ' + error.message);
  };

  const exit = (code) => {
    const error = new Error('process.exit(' + (code === undefined ? '' : code) + ') is not available: a handler ends its '
      + 'request with res.end(), and cannot stop the node that runs it');
    error.code = 'ERR_RENGA_UNSUPPORTED';
    throw error;
  };

  // process.stdout/stderr: what is written goes to the request's log, line by line as console.log's does.
  const stdio = (level, fd) => ({
    fd,
    isTTY: false,
    writable: true,
    write(chunk, encoding, callback) {
      const text = typeof chunk === 'string' ? chunk : new TextDecoder().decode(chunk);
      internal.log(level, text.endsWith('\n') ? text.slice(0, -1) : text);
      const done = typeof encoding === 'function' ? encoding : callback;
      if (typeof done === 'function') queueMicrotask(done);
      return true;
    },
    on() { return this; },
    once() { return this; },
    end() {},
  });

  const process = Object.create(EventEmitter.prototype);
  for (const method of ['on', 'addListener', 'once', 'prependListener', 'prependOnceListener', 'off', 'removeListener',
    'removeAllListeners', 'emit', 'listeners', 'rawListeners', 'listenerCount', 'eventNames', 'setMaxListeners',
    'getMaxListeners']) {
    const fn = EventEmitter.prototype[method];
    process[method] = function (...args) {
      const result = Reflect.apply(fn, emitter, args);
      return result === emitter ? process : result;
    };
  }
  Object.assign(process, {
    title: 'node',
    version: VERSION,
    versions: Object.freeze({ node: VERSION.slice(1), v8: '11.3.244.8-node.23', uv: '1.48.0', modules: '115' }),
    release: Object.freeze({ name: 'node', lts: 'Iron' }),
    platform: 'linux',
    arch: 'x64',
    pid: 1,
    ppid: 0,
    execPath: '/usr/local/bin/node',
    execArgv: Object.freeze([]),
    argv: Object.freeze(['/usr/local/bin/node', '/handler.js']),
    argv0: 'node',
    exitCode: undefined,
    config: Object.freeze({ variables: Object.freeze({}) }),
    features: Object.freeze({ inspector: false, debug: false, uv: true, ipv6: true, tls_alpn: true, tls_sni: true, tls_ocsp: false, tls: true }),
    browser: false,
    stdout: stdio('info', 1),
    stderr: stdio('error', 2),
    nextTick,
    hrtime,
    emitWarning,
    exit,
    abort: exit,
    kill: () => exit(),
    cwd: () => '/',
    chdir: () => { const e = new Error('process.chdir() is not available: handlers have no file system'); e.code = 'ERR_RENGA_UNSUPPORTED'; throw e; },
    umask: () => 0o22,
    uptime: () => (host.nanoTime() - startedAt) / 1e9,
    memoryUsage: Object.assign(() => {
      const [used, total] = host.memory();
      return { rss: total, heapTotal: total, heapUsed: used, external: 0, arrayBuffers: 0 };
    }, { rss: () => host.memory()[1] }),
    cpuUsage: () => ({ user: 0, system: 0 }),
    resourceUsage: () => ({}),
    getuid: () => 1000,
    getgid: () => 1000,
    geteuid: () => 1000,
    getegid: () => 1000,
    binding: (name) => { const e = new Error('No such module: ' + name); e.code = 'ERR_RENGA_UNSUPPORTED'; throw e; },
  });
  // Object.prototype.toString.call(process) is '[object process]', as in Node: packages tell Node from a browser by it
  // (axios picks its http adapter, with decompression and Node's http client, only then).
  Object.defineProperty(process, Symbol.toStringTag, { value: 'process', writable: false, enumerable: false, configurable: true });
  // The request's tenant's env and secrets (renga.tenants), made on first read from the request's host bridge.
  Object.defineProperty(process, 'env', {
    get: () => internal.env(),
    set: (value) => internal.setEnv(value),
    enumerable: true,
  });
  return process;
})
