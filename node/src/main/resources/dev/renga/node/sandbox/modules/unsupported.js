// fs, fs/promises, child_process, worker_threads, cluster, http2, v8, vm, module, readline, inspector: they load, as
// bundles require them for optional features, but a handler has no file system, processes, threads, servers or
// engine internals: calling any of their functions throws ERR_RENGA_UNSUPPORTED, naming the module and the reason.
(function (internal, name) {
  'use strict';

  const WHY = {
    fs: 'handlers have no file system (use fetch or a database for data)',
    'fs/promises': 'handlers have no file system (use fetch or a database for data)',
    child_process: 'handlers cannot start processes',
    worker_threads: 'handlers cannot start threads',
    cluster: 'handlers cannot start processes or listen',
    http2: 'handlers cannot listen, and outbound HTTP/2 is not offered (use fetch or http)',
    v8: 'the engine is not V8 and its internals are not exposed',
    vm: 'handlers cannot make new realms',
    module: 'handlers load modules only through require()',
    readline: 'handlers have no terminal or file system',
    inspector: 'handlers cannot be debugged through an inspector',
  };

  const unsupported = (member) => {
    const call = function () {
      const error = new Error("require('" + name + "')." + member + ' is not available in Renga: ' + WHY[name]);
      error.code = 'ERR_RENGA_UNSUPPORTED';
      throw error;
    };
    Object.defineProperty(call, 'name', { value: member });
    // Shared by every request that reads it: frozen, so none can leave anything on it for the next.
    Object.freeze(call.prototype);
    return Object.freeze(call);
  };

  // Every member is such a function (made on first read), except what code reads without calling: constants are
  // empty, fs.promises is fs/promises, and the names a module loader probes (then, default, __esModule) are absent.
  const members = new Map();
  const ABSENT = ['then', 'default', '__esModule', 'toJSON', 'inspect', 'constructor'];
  const moduleFor = (moduleName) => new Proxy(Object.create(null), {
    get(target, key) {
      if (typeof key !== 'string' || ABSENT.includes(key)) return undefined;
      if (key === 'constants') return CONSTANTS;
      if (key === 'promises' && moduleName === 'fs') return promises;
      if (moduleName === 'module' && key === 'builtinModules') return internal.builtins;
      const id = moduleName + '.' + key;
      if (!members.has(id)) members.set(id, unsupported(key));
      return members.get(id);
    },
  });
  const CONSTANTS = Object.freeze({});
  const promises = name === 'fs' ? moduleFor('fs/promises') : undefined;
  return moduleFor(name);
})
