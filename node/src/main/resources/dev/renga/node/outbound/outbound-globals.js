// Declares fetch, Headers, Response, __rengaHttpModule (and a minimal require) in every fresh context, but loads
// outbound.js only when a handler first touches one of them: most handlers never do, and a fresh context should cost
// as little as possible. The timers are captured now, before handler code can replace them.
(function (load) {
  'use strict';
  const timers = { setImmediate: globalThis.setImmediate, setTimeout: globalThis.setTimeout, clearTimeout: globalThis.clearTimeout };
  const settle = (name, value) =>
    Object.defineProperty(globalThis, name, { value, writable: true, configurable: true, enumerable: false });
  const lazy = (name, key) =>
    Object.defineProperty(globalThis, name, {
      configurable: true,
      enumerable: false,
      get() {
        const value = load(timers)[key];
        settle(name, value);
        return value;
      },
      set(value) { settle(name, value); },
    });
  lazy('fetch', 'fetch');
  lazy('Headers', 'Headers');
  lazy('Response', 'Response');
  // For require('http') / require('https'): the require implementation returns __rengaHttpModule(name).
  lazy('__rengaHttpModule', 'httpModule');
  // Until the full require() exists: a minimal one that knows only the http client modules.
  if (!('require' in globalThis)) lazy('require', 'require');
})
