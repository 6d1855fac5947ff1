// require('events'): the npm events library (vendor/events.js, Node's EventEmitter), with Node's newer helpers on
// it (on, getEventListeners, setMaxListeners, errorMonitor) and Node's range check on EventEmitter.defaultMaxListeners.
(function (internal) {
  'use strict';

  const EventEmitter = internal.require('vendor/events');

  // Checked as Node checks it; the value is this request's (each request has its own instance of this module).
  const limits = { defaultMaxListeners: 10 };
  Object.defineProperty(EventEmitter, 'defaultMaxListeners', {
    enumerable: true,
    get() { return limits.defaultMaxListeners; },
    set(value) {
      if (typeof value !== 'number' || value < 0 || Number.isNaN(value)) {
        throw new RangeError('The value of "defaultMaxListeners" is out of range. It must be a non-negative number. Received ' + value + '.');
      }
      limits.defaultMaxListeners = value;
    },
  });

  // events.on(emitter, event): an async iterator of the event's argument arrays, ended by an 'error' (rejected) or
  // by the iterator's return(); options.signal aborts it.
  const on = (emitter, event, options) => {
    const queued = [];
    const waiting = [];
    let error = null;
    let finished = false;
    const onEvent = (...args) => {
      const next = waiting.shift();
      if (next) next.resolve({ value: args, done: false }); else queued.push(args);
    };
    const onError = (err) => {
      finished = true;
      const next = waiting.shift();
      if (next) next.reject(err); else error = err;
      close();
    };
    const close = () => {
      emitter.removeListener(event, onEvent);
      if (event !== 'error') emitter.removeListener('error', onError);
      finished = true;
      for (const next of waiting.splice(0)) next.resolve({ value: undefined, done: true });
    };
    emitter.on(event, onEvent);
    if (event !== 'error') emitter.on('error', onError);
    const signal = options && options.signal;
    if (signal) {
      if (signal.aborted) onError(abortError());
      else signal.addEventListener('abort', () => onError(abortError()), { once: true });
    }
    return {
      next() {
        if (queued.length > 0) return Promise.resolve({ value: queued.shift(), done: false });
        if (error !== null) { const err = error; error = null; return Promise.reject(err); }
        if (finished) return Promise.resolve({ value: undefined, done: true });
        return new Promise((resolve, reject) => waiting.push({ resolve, reject }));
      },
      return() { close(); return Promise.resolve({ value: undefined, done: true }); },
      throw(err) { onError(err); return Promise.reject(err); },
      [Symbol.asyncIterator]() { return this; },
    };
  };
  const abortError = () => {
    const error = new Error('The operation was aborted');
    error.name = 'AbortError';
    error.code = 'ABORT_ERR';
    return error;
  };

  EventEmitter.on = on;
  EventEmitter.getEventListeners = (emitter, event) => (typeof emitter.listeners === 'function' ? emitter.listeners(event) : []);
  EventEmitter.setMaxListeners = (n = 10, ...emitters) => {
    if (emitters.length === 0) EventEmitter.defaultMaxListeners = n;
    for (const emitter of emitters) if (typeof emitter.setMaxListeners === 'function') emitter.setMaxListeners(n);
  };
  EventEmitter.listenerCount = (emitter, event) => emitter.listenerCount(event);
  EventEmitter.errorMonitor = Symbol('events.errorMonitor');
  EventEmitter.captureRejections = false;
  return EventEmitter;
})
