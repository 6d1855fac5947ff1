// require('diagnostics_channel'): named channels that libraries publish to and tools subscribe to. Subscriptions are
// the current request's own (every request has its own instance of this module).
(function (internal) {
  'use strict';

  const subscribers = new Map();
  const listOf = (name) => {
    const all = subscribers;
    if (!all.has(name)) all.set(name, []);
    return all.get(name);
  };

  class Channel {
    constructor(name) { this.name = name; }
    get hasSubscribers() { return listOf(this.name).length > 0; }
    subscribe(subscription) {
      if (typeof subscription !== 'function') throw new TypeError('The "subscription" argument must be of type function');
      listOf(this.name).push(subscription);
    }
    unsubscribe(subscription) {
      const list = listOf(this.name);
      const at = list.indexOf(subscription);
      if (at < 0) return false;
      list.splice(at, 1);
      return true;
    }
    publish(message) {
      for (const subscriber of listOf(this.name).slice()) {
        try {
          subscriber(message, this.name);
        } catch (error) {
          internal.timers.queueMicrotask(() => { throw error; });
        }
      }
    }
    bindStore() {}
    unbindStore() {}
    runStores(data, fn, thisArg, ...args) { this.publish(data); return Reflect.apply(fn, thisArg, args); }
  }

  const channels = new Map();
  const channel = (name) => {
    if (typeof name !== 'string' && typeof name !== 'symbol') throw new TypeError('The "name" argument must be of type string or symbol');
    if (!channels.has(name)) channels.set(name, new Channel(name));
    return channels.get(name);
  };

  class TracingChannel {
    constructor(name) {
      for (const event of ['start', 'end', 'asyncStart', 'asyncEnd', 'error']) this[event] = channel('tracing:' + name + ':' + event);
    }
    get hasSubscribers() { return this.start.hasSubscribers || this.end.hasSubscribers || this.asyncStart.hasSubscribers || this.asyncEnd.hasSubscribers || this.error.hasSubscribers; }
    subscribe(handlers) { for (const event of Object.keys(handlers)) this[event].subscribe(handlers[event]); }
    unsubscribe(handlers) { let all = true; for (const event of Object.keys(handlers)) all = this[event].unsubscribe(handlers[event]) && all; return all; }
    traceSync(fn, context = {}, thisArg, ...args) {
      this.start.publish(context);
      try {
        const result = Reflect.apply(fn, thisArg, args);
        context.result = result;
        return result;
      } catch (error) {
        context.error = error;
        this.error.publish(context);
        throw error;
      } finally {
        this.end.publish(context);
      }
    }
    tracePromise(fn, context = {}, thisArg, ...args) {
      this.start.publish(context);
      try {
        return Promise.resolve(Reflect.apply(fn, thisArg, args)).then((result) => {
          context.result = result;
          this.asyncStart.publish(context);
          this.asyncEnd.publish(context);
          return result;
        }, (error) => {
          context.error = error;
          this.error.publish(context);
          this.asyncStart.publish(context);
          this.asyncEnd.publish(context);
          throw error;
        });
      } finally {
        this.end.publish(context);
      }
    }
  }

  return {
    channel,
    hasSubscribers: (name) => listOf(name).length > 0,
    subscribe: (name, subscription) => channel(name).subscribe(subscription),
    unsubscribe: (name, subscription) => channel(name).unsubscribe(subscription),
    tracingChannel: (name) => new TracingChannel(name),
    Channel,
  };
})
