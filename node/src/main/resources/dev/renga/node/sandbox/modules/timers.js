// require('timers') and require('timers/promises'): the global timer functions (runtime.js: Timeout and Immediate
// objects with ref/unref/hasRef/refresh), and their promise forms.
(function (internal, name) {
  'use strict';

  const timers = internal.timers;
  const abortError = (signal) => {
    const error = new Error('The operation was aborted', { cause: signal && signal.reason });
    error.name = 'AbortError';
    error.code = 'ABORT_ERR';
    return error;
  };

  // A promise settled by a timer; options.ref: false unrefs the timer, options.signal aborts it.
  const later = (schedule, value, options = {}) => new Promise((resolve, reject) => {
    const signal = options.signal;
    if (signal && signal.aborted) { reject(abortError(signal)); return; }
    const onAbort = () => { timers.clearTimeout(timer); reject(abortError(signal)); };
    const timer = schedule(() => {
      if (signal) signal.removeEventListener('abort', onAbort);
      resolve(value);
    });
    if (options.ref === false) timer.unref();
    if (signal) signal.addEventListener('abort', onAbort, { once: true });
  });

  const promises = {
    setTimeout: (delay, value, options) => later((done) => timers.setTimeout(done, delay), value, options),
    setImmediate: (value, options) => later((done) => timers.setImmediate(done), value, options),
    // An async iterator that yields `value` every `delay` ms until the loop stops or the signal aborts.
    setInterval: (delay, value, options = {}) => {
      let pending = 0;
      let waiting = null;
      let done = false;
      const signal = options.signal;
      const interval = timers.setInterval(() => {
        pending++;
        if (waiting) { const w = waiting; waiting = null; pending--; w.resolve({ value, done: false }); }
      }, delay);
      if (options.ref === false) interval.unref();
      const stop = () => { done = true; timers.clearInterval(interval); };
      if (signal) signal.addEventListener('abort', () => { stop(); if (waiting) waiting.reject(abortError(signal)); }, { once: true });
      return {
        next() {
          if (signal && signal.aborted) { stop(); return Promise.reject(abortError(signal)); }
          if (done) return Promise.resolve({ value: undefined, done: true });
          if (pending > 0) { pending--; return Promise.resolve({ value, done: false }); }
          return new Promise((resolve, reject) => { waiting = { resolve, reject }; });
        },
        return() { stop(); return Promise.resolve({ value: undefined, done: true }); },
        [Symbol.asyncIterator]() { return this; },
      };
    },
    scheduler: {
      wait: (delay, options) => later((done) => timers.setTimeout(done, delay), undefined, options),
      yield: () => later((done) => timers.setImmediate(done), undefined),
    },
  };
  if (name === 'timers/promises') return promises;

  return {
    setTimeout: timers.setTimeout,
    setInterval: timers.setInterval,
    setImmediate: timers.setImmediate,
    clearTimeout: timers.clearTimeout,
    clearInterval: timers.clearInterval,
    clearImmediate: timers.clearImmediate,
    queueMicrotask: timers.queueMicrotask,
    promises,
  };
})
