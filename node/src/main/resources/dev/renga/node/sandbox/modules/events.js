// require('events'): Node's EventEmitter (on/once/off/emit/prepend, listener counts, max listeners, 'error').
(function (internal) {
  'use strict';

  const kEvents = Symbol('events');

  const listenersOf = (emitter) => {
    if (!Object.prototype.hasOwnProperty.call(emitter, kEvents)) {
      Object.defineProperty(emitter, kEvents, { value: new Map(), writable: true, configurable: true });
    }
    return emitter[kEvents];
  };

  const checkListener = (listener) => {
    if (typeof listener !== 'function') {
      throw new TypeError('The "listener" argument must be of type function. Received ' + (listener === null ? 'null' : typeof listener));
    }
  };

  class EventEmitter {
    constructor() {
      listenersOf(this);
      this._maxListeners = undefined;
    }

    setMaxListeners(n) { this._maxListeners = n; return this; }

    getMaxListeners() { return this._maxListeners === undefined ? EventEmitter.defaultMaxListeners : this._maxListeners; }

    _add(event, listener, prepend) {
      checkListener(listener);
      const events = listenersOf(this);
      if (events.has('newListener')) this.emit('newListener', event, listener.listener || listener);
      const list = events.get(event) || [];
      if (prepend) list.unshift(listener); else list.push(listener);
      events.set(event, list);
      return this;
    }

    on(event, listener) { return this._add(event, listener, false); }

    prependListener(event, listener) { return this._add(event, listener, true); }

    once(event, listener) { checkListener(listener); return this.on(event, onceWrapper(this, event, listener)); }

    prependOnceListener(event, listener) { checkListener(listener); return this.prependListener(event, onceWrapper(this, event, listener)); }

    off(event, listener) {
      checkListener(listener);
      const events = listenersOf(this);
      const list = events.get(event);
      if (!list) return this;
      const at = list.findIndex((l) => l === listener || l.listener === listener);
      if (at >= 0) {
        list.splice(at, 1);
        if (list.length === 0) events.delete(event);
        if (events.has('removeListener')) this.emit('removeListener', event, listener);
      }
      return this;
    }

    removeAllListeners(event) {
      const events = listenersOf(this);
      if (event === undefined) events.clear(); else events.delete(event);
      return this;
    }

    emit(event, ...args) {
      const list = listenersOf(this).get(event);
      if (!list || list.length === 0) {
        if (event === 'error') {
          const error = args[0];
          if (error instanceof Error) throw error;
          const wrapped = new Error('Unhandled error.' + (error === undefined ? '' : ' (' + String(error) + ')'));
          wrapped.context = error;
          throw wrapped;
        }
        return false;
      }
      for (const listener of list.slice()) listener.apply(this, args);
      return true;
    }

    listeners(event) { return (listenersOf(this).get(event) || []).map((l) => l.listener || l); }

    rawListeners(event) { return (listenersOf(this).get(event) || []).slice(); }

    listenerCount(event) { return (listenersOf(this).get(event) || []).length; }

    eventNames() { return [...listenersOf(this).keys()]; }
  }

  const onceWrapper = (emitter, event, listener) => {
    const wrapped = function (...args) {
      emitter.off(event, wrapped);
      return listener.apply(this, args);
    };
    wrapped.listener = listener;
    return wrapped;
  };

  EventEmitter.prototype.addListener = EventEmitter.prototype.on;
  EventEmitter.prototype.removeListener = EventEmitter.prototype.off;
  Object.defineProperty(EventEmitter.prototype, '_add', { enumerable: false });
  EventEmitter.defaultMaxListeners = 10;
  EventEmitter.EventEmitter = EventEmitter;
  EventEmitter.listenerCount = (emitter, event) => emitter.listenerCount(event);

  // events.once(emitter, name): a promise of the next emission's arguments.
  EventEmitter.once = (emitter, event) =>
    new Promise((resolve, reject) => {
      const onError = (error) => { emitter.off(event, onEvent); reject(error); };
      const onEvent = (...args) => { if (event !== 'error') emitter.off('error', onError); resolve(args); };
      emitter.once(event, onEvent);
      if (event !== 'error') emitter.once('error', onError);
    });

  return EventEmitter;
})
