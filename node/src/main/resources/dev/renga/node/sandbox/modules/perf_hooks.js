// require('perf_hooks') and the global `performance`: a monotonic clock from the host (nanoseconds), with its
// origin when this module loaded; marks and measures are the request's own.
(function (internal) {
  'use strict';

  const host = internal.host;
  const origin = host.nanoTime();
  const timeOrigin = Date.now();
  const entries = [];
  const now = () => (host.nanoTime() - origin) / 1e6;

  const performance = {
    now,
    timeOrigin,
    mark(name, options) {
      const entry = { name: String(name), entryType: 'mark', startTime: options && options.startTime !== undefined ? options.startTime : now(), duration: 0, detail: options ? options.detail : null };
      entries.push(entry);
      return entry;
    },
    measure(name, start, end) {
      const at = (mark, fallback) => {
        if (mark === undefined) return fallback;
        if (typeof mark === 'number') return mark;
        const found = entries.filter((e) => e.name === mark).pop();
        if (found === undefined) throw new SyntaxError("The \"" + mark + "\" performance mark has not been set");
        return found.startTime;
      };
      const startTime = at(start, 0);
      const entry = { name: String(name), entryType: 'measure', startTime, duration: at(end, now()) - startTime, detail: null };
      entries.push(entry);
      return entry;
    },
    getEntries: () => entries.slice(),
    getEntriesByName: (name, type) => entries.filter((e) => e.name === name && (type === undefined || e.entryType === type)),
    getEntriesByType: (type) => entries.filter((e) => e.entryType === type),
    clearMarks: (name) => { const kept = entries.filter((e) => e.entryType !== 'mark' || (name !== undefined && e.name !== name)); entries.splice(0, Infinity, ...kept); },
    clearMeasures: (name) => { const kept = entries.filter((e) => e.entryType !== 'measure' || (name !== undefined && e.name !== name)); entries.splice(0, Infinity, ...kept); },
    toJSON: () => ({ timeOrigin }),
  };
  class PerformanceObserver {
    constructor(callback) { this.callback = callback; }
    observe() {}
    disconnect() {}
  }
  return {
    performance,
    PerformanceObserver,
    constants: Object.freeze({}),
    monitorEventLoopDelay: () => ({ enable() {}, disable() {}, min: 0, max: 0, mean: 0, stddev: 0, percentile: () => 0 }),
  };
})
