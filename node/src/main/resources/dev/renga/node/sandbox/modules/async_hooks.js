// require('async_hooks'): AsyncLocalStorage and AsyncResource. The engine has no hooks on promises, so a store is kept
// per request: run(store, fn) sets it for fn's synchronous part, for every timer set meanwhile, and, when fn returns a
// promise, until that promise settles, so it follows fn across await. Two run() calls of one storage whose async
// work overlaps within one request see the later store (Node would keep them apart). Requests never share stores.
(function (internal) {
  'use strict';

  const stores = internal.asyncStores;
  let nextId = 2;

  const withStore = (storage, store) => {
    const next = new Map(stores.get());
    next.set(storage, store);
    return next;
  };

  class AsyncLocalStorage {
    _enabled = true;
    run(store, callback, ...args) {
      this._enabled = true;
      const previous = stores.get();
      const next = withStore(this, store);
      stores.set(next);
      let result;
      try {
        result = Reflect.apply(callback, undefined, args);
      } catch (error) {
        stores.set(previous);
        throw error;
      }
      if (result !== null && typeof result === 'object' && typeof result.then === 'function') {
        const restore = () => { if (stores.get() === next) stores.set(previous); };
        result.then(restore, restore);
      } else {
        stores.set(previous);
      }
      return result;
    }
    exit(callback, ...args) { return this.run(undefined, callback, ...args); }
    getStore() {
      const current = stores.get();
      return this._enabled && current !== undefined ? current.get(this) : undefined;
    }
    disable() { this._enabled = false; }
    enterWith(store) { stores.set(withStore(this, store)); }
    static bind(fn) { return new AsyncResource('bound-anonymous-fn').bind(fn); }
    static snapshot() {
      const resource = new AsyncResource('AsyncLocalStorageSnapshot');
      return (fn, ...args) => resource.runInAsyncScope(fn, undefined, ...args);
    }
  }

  // A resource whose callbacks run with the stores of the code that made it.
  class AsyncResource {
    _stores = stores.get() || new Map();
    _id = nextId++;
    constructor(type, options) {
      this.type = type;
      this.triggerId = options && typeof options === 'object' && options.triggerAsyncId !== undefined ? options.triggerAsyncId : 1;
    }
    runInAsyncScope(fn, thisArg, ...args) { return stores.run(this._stores, fn, thisArg, args); }
    emitDestroy() { return this; }
    asyncId() { return this._id; }
    triggerAsyncId() { return this.triggerId; }
    bind(fn, thisArg) {
      const bound = (...args) => this.runInAsyncScope(fn, thisArg === undefined ? this : thisArg, ...args);
      Object.defineProperty(bound, 'length', { value: fn.length });
      return bound;
    }
    static bind(fn, type, thisArg) { return new AsyncResource(type || 'bound-anonymous-fn').bind(fn, thisArg); }
  }

  const createHook = () => {
    const error = new Error('async_hooks.createHook is not available in Renga: the engine has no hooks on async resources (AsyncLocalStorage works)');
    error.code = 'ERR_RENGA_UNSUPPORTED';
    throw error;
  };

  return {
    AsyncLocalStorage,
    AsyncResource,
    createHook,
    executionAsyncId: () => 1,
    triggerAsyncId: () => 0,
    executionAsyncResource: () => ({}),
    asyncWrapProviders: Object.freeze({}),
  };
})
