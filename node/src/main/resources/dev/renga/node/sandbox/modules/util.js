// require('util'): format, inspect (the common cases), promisify/callbackify, inherits, deprecate, types,
// isDeepStrictEqual, TextEncoder/TextDecoder.
(function (internal, name) {
  'use strict';

  const toString = (value) => Object.prototype.toString.call(value);
  const tag = (value) => toString(value).slice(8, -1);

  const types = {
    isDate: (v) => v instanceof Date,
    isRegExp: (v) => v instanceof RegExp,
    isPromise: (v) => v instanceof Promise,
    isMap: (v) => v instanceof Map,
    isSet: (v) => v instanceof Set,
    isWeakMap: (v) => v instanceof WeakMap,
    isWeakSet: (v) => v instanceof WeakSet,
    isArrayBuffer: (v) => v instanceof ArrayBuffer,
    isAnyArrayBuffer: (v) => v instanceof ArrayBuffer || (typeof SharedArrayBuffer !== 'undefined' && v instanceof SharedArrayBuffer),
    isArrayBufferView: (v) => ArrayBuffer.isView(v),
    isTypedArray: (v) => ArrayBuffer.isView(v) && !(v instanceof DataView),
    isUint8Array: (v) => v instanceof Uint8Array,
    isDataView: (v) => v instanceof DataView,
    isNativeError: (v) => v instanceof Error,
    isAsyncFunction: (v) => typeof v === 'function' && tag(v) === 'AsyncFunction',
    isGeneratorFunction: (v) => typeof v === 'function' && /GeneratorFunction$/.test(tag(v)),
    isGeneratorObject: (v) => tag(v) === 'Generator',
    isBoxedPrimitive: (v) => v !== null && typeof v === 'object' && ['Number', 'String', 'Boolean', 'BigInt', 'Symbol'].includes(tag(v)) && !(Symbol.toStringTag in v),
    isSymbolObject: (v) => v !== null && typeof v === 'object' && tag(v) === 'Symbol',
    isProxy: () => false,
    isNumberObject: (v) => v !== null && typeof v === 'object' && tag(v) === 'Number' && !(Symbol.toStringTag in v),
    isStringObject: (v) => v !== null && typeof v === 'object' && tag(v) === 'String' && !(Symbol.toStringTag in v),
    isBooleanObject: (v) => v !== null && typeof v === 'object' && tag(v) === 'Boolean' && !(Symbol.toStringTag in v),
    isBigIntObject: (v) => v !== null && typeof v === 'object' && tag(v) === 'BigInt',
    isSharedArrayBuffer: (v) => typeof SharedArrayBuffer !== 'undefined' && v instanceof SharedArrayBuffer,
    isMapIterator: (v) => tag(v) === 'Map Iterator',
    isSetIterator: (v) => tag(v) === 'Set Iterator',
    isArgumentsObject: (v) => tag(v) === 'Arguments',
    isExternal: () => false,
    isModuleNamespaceObject: (v) => v !== null && typeof v === 'object' && tag(v) === 'Module',
    isWeakRef: (v) => typeof WeakRef !== 'undefined' && v instanceof WeakRef,
    isKeyObject: () => false,
    isCryptoKey: (v) => v !== null && typeof v === 'object' && v.constructor !== undefined && v.constructor.name === 'CryptoKey',
  };
  for (const kind of ['Int8', 'Uint8Clamped', 'Int16', 'Uint16', 'Int32', 'Uint32', 'Float32', 'Float64', 'BigInt64', 'BigUint64']) {
    const Kind = globalThis[kind + 'Array'];
    if (typeof Kind === 'function') types['is' + kind + 'Array'] = (v) => v instanceof Kind;
  }
  if (name === 'util/types') return types;

  const custom = Symbol.for('nodejs.util.inspect.custom');
  const quote = (s) => "'" + s.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n') + "'";
  const keyName = (k) => (typeof k === 'symbol' ? '[' + k.toString() + ']' : /^[A-Za-z_$][\w$]*$/.test(k) ? k : quote(k));

  const inspect = (value, options) => {
    const opts = Object.assign({ depth: 2, breakLength: 80 }, typeof options === 'object' && options !== null ? options : {});
    return format1(value, opts, 0, []);
  };
  inspect.custom = custom;
  inspect.defaultOptions = { depth: 2 };

  const wrap = (open, items, close, opts, indent) => {
    if (items.length === 0) return open.trim() === '{' ? '{}' : open + close;
    const single = open + ' ' + items.join(', ') + ' ' + close;
    if (single.length <= opts.breakLength && !items.some((i) => i.includes('\n'))) return single;
    const pad = '  '.repeat(indent + 1);
    return open + '\n' + items.map((i) => pad + i).join(',\n') + '\n' + '  '.repeat(indent) + close;
  };

  const format1 = (value, opts, depth, seen) => {
    switch (typeof value) {
      case 'string': return depth === 0 ? quote(value) : quote(value);
      case 'number': return Object.is(value, -0) ? '-0' : String(value);
      case 'bigint': return value + 'n';
      case 'undefined': return 'undefined';
      case 'boolean': return String(value);
      case 'symbol': return value.toString();
      case 'function': {
        const name = value.name ? ': ' + value.name : ' (anonymous)';
        return /^class\s/.test(Function.prototype.toString.call(value)) ? '[class' + (value.name ? ' ' + value.name : ' (anonymous)') + ']' : '[' + (types.isAsyncFunction(value) ? 'AsyncFunction' : 'Function') + name + ']';
      }
    }
    if (value === null) return 'null';
    if (typeof value[custom] === 'function' && value[custom] !== inspect) {
      return String(value[custom](opts.depth - depth, opts, inspect));
    }
    if (seen.includes(value)) return '[Circular *1]';
    if (value instanceof Error) return value.stack || String(value);
    if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
    if (value instanceof RegExp) return String(value);
    if (value instanceof Promise) return 'Promise { <unknown> }';
    if (value instanceof WeakMap || value instanceof WeakSet) return tag(value) + ' { <items unknown> }';
    const ctor = value.constructor && value.constructor.name;
    if (ctor === 'Buffer' && value instanceof Uint8Array) {
      const shown = Array.from(value.subarray(0, 50), (b) => (b < 16 ? '0' : '') + b.toString(16));
      return '<Buffer' + (shown.length ? ' ' + shown.join(' ') : '') + (value.length > 50 ? ' ... ' + (value.length - 50) + ' more bytes' : '') + '>';
    }
    if (depth > opts.depth) return Array.isArray(value) ? '[Array]' : '[' + (ctor || 'Object') + ']';
    const next = seen.concat([value]);
    const inner = (v) => format1(v, opts, depth + 1, next);
    if (Array.isArray(value)) {
      const items = value.slice(0, 100).map(inner);
      if (value.length > 100) items.push('... ' + (value.length - 100) + ' more items');
      return wrap('[', items, ']', opts, depth);
    }
    if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
      const items = Array.from(value.slice(0, 100), (v) => inner(v));
      return wrap(ctor + '(' + value.length + ') [', items, ']', opts, depth);
    }
    if (value instanceof Map) {
      return wrap('Map(' + value.size + ') {', [...value].map(([k, v]) => inner(k) + ' => ' + inner(v)), '}', opts, depth);
    }
    if (value instanceof Set) {
      return wrap('Set(' + value.size + ') {', [...value].map(inner), '}', opts, depth);
    }
    const keys = [...Object.keys(value), ...Object.getOwnPropertySymbols(value).filter((s) => Object.prototype.propertyIsEnumerable.call(value, s))];
    const items = keys.map((k) => {
      const descriptor = Object.getOwnPropertyDescriptor(value, k);
      const shown = descriptor.get || descriptor.set ? (descriptor.get && descriptor.set ? '[Getter/Setter]' : descriptor.get ? '[Getter]' : '[Setter]') : inner(value[k]);
      return keyName(k) + ': ' + shown;
    });
    const prefix = ctor && ctor !== 'Object' ? ctor + ' ' : Object.getPrototypeOf(value) === null ? '[Object: null prototype] ' : '';
    return prefix + wrap('{', items, '}', opts, depth);
  };

  const format = (...args) => {
    if (typeof args[0] !== 'string') return args.map((a) => (typeof a === 'string' ? a : inspect(a))).join(' ');
    let i = 1;
    let out = args[0].replace(/%([sdifjoOc%])/g, (match, type) => {
      if (type === '%') return '%';
      if (i >= args.length) return match;
      const arg = args[i++];
      switch (type) {
        case 's': return typeof arg === 'string' ? arg : typeof arg === 'bigint' ? arg + 'n' : typeof arg === 'object' && arg !== null ? inspect(arg, { depth: 0 }) : String(arg);
        case 'd': return typeof arg === 'bigint' ? arg + 'n' : typeof arg === 'symbol' ? 'NaN' : String(Number(arg));
        case 'i': return typeof arg === 'bigint' ? arg + 'n' : String(parseInt(arg, 10));
        case 'f': return String(parseFloat(arg));
        case 'j': try { return JSON.stringify(arg); } catch (e) { return '[Circular]'; }
        case 'o': case 'O': return inspect(arg);
        case 'c': return '';
      }
      return match;
    });
    for (; i < args.length; i++) out += ' ' + (typeof args[i] === 'string' ? args[i] : inspect(args[i]));
    return out;
  };

  const customPromisify = Symbol.for('nodejs.util.promisify.custom');
  const promisify = (original) => {
    if (typeof original !== 'function') throw new TypeError('The "original" argument must be of type function');
    if (typeof original[customPromisify] === 'function') return original[customPromisify];
    const promisified = function (...args) {
      return new Promise((resolve, reject) => {
        original.call(this, ...args, (error, ...values) => {
          if (error) reject(error);
          else resolve(values.length > 1 ? values : values[0]);
        });
      });
    };
    Object.setPrototypeOf(promisified, Object.getPrototypeOf(original));
    return Object.defineProperties(promisified, Object.getOwnPropertyDescriptors(original));
  };
  promisify.custom = customPromisify;

  const callbackify = (original) => {
    if (typeof original !== 'function') throw new TypeError('The "original" argument must be of type function');
    return function (...args) {
      const callback = args.pop();
      if (typeof callback !== 'function') throw new TypeError('The last argument must be of type function');
      original.apply(this, args).then((value) => queueMicrotask(() => callback(null, value)), (error) => {
        const reason = error || Object.assign(new Error('Promise was rejected with a falsy value'), { reason: error });
        queueMicrotask(() => callback(reason));
      });
    };
  };

  const inherits = (ctor, superCtor) => {
    Object.defineProperty(ctor, 'super_', { value: superCtor, writable: true, configurable: true });
    Object.setPrototypeOf(ctor.prototype, superCtor.prototype);
  };

  // Warned once per request (each request has its own instance of this module) and per code.
  const warnedCodes = new Set();
  const deprecate = (fn, message, code) => {
    let warned = false;
    return function (...args) {
      if (!warned && (code === undefined || !warnedCodes.has(code))) {
        if (code !== undefined) warnedCodes.add(code); else warned = true;
        internal.require('process').emitWarning(message, 'DeprecationWarning', code);
      }
      return new.target ? Reflect.construct(fn, args, new.target) : fn.apply(this, args);
    };
  };

  // Deep strict equality, as assert.deepStrictEqual and util.isDeepStrictEqual define it (the common cases).
  const isDeepStrictEqual = (a, b, strict = true, memo = []) => {
    if (strict ? Object.is(a, b) : a == b || (Number.isNaN(a) && Number.isNaN(b))) return true;
    if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
    if (strict && Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
    if (toString(a) !== toString(b)) return false;
    if (memo.some(([x, y]) => x === a && y === b)) return true;
    const next = memo.concat([[a, b]]);
    if (a instanceof Date) return a.getTime() === b.getTime();
    if (a instanceof RegExp) return String(a) === String(b);
    if (a instanceof Error && (a.message !== b.message || a.name !== b.name)) return false;
    if (ArrayBuffer.isView(a)) {
      if (a.byteLength !== b.byteLength) return false;
      const x = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
      const y = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
      for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
      return true;
    }
    if (a instanceof Map) {
      if (a.size !== b.size) return false;
      for (const [k, v] of a) if (!b.has(k) || !isDeepStrictEqual(v, b.get(k), strict, next)) return false;
      return true;
    }
    if (a instanceof Set) {
      if (a.size !== b.size) return false;
      for (const v of a) if (!b.has(v) && ![...b].some((w) => isDeepStrictEqual(v, w, strict, next))) return false;
      return true;
    }
    const keysA = Object.keys(a);
    const keysB = Object.keys(b);
    if (keysA.length !== keysB.length) return false;
    for (const k of keysA) {
      if (!Object.prototype.hasOwnProperty.call(b, k) || !isDeepStrictEqual(a[k], b[k], strict, next)) return false;
    }
    return true;
  };

  return {
    format,
    formatWithOptions: (options, ...args) => format(...args),
    inspect,
    promisify,
    callbackify,
    inherits,
    deprecate,
    types,
    isDeepStrictEqual: (a, b) => isDeepStrictEqual(a, b, true),
    isDeepEqual: (a, b) => isDeepStrictEqual(a, b, false),
    isArray: Array.isArray,
    isBoolean: (v) => typeof v === 'boolean',
    isNull: (v) => v === null,
    isNullOrUndefined: (v) => v === null || v === undefined,
    isNumber: (v) => typeof v === 'number',
    isString: (v) => typeof v === 'string',
    isSymbol: (v) => typeof v === 'symbol',
    isUndefined: (v) => v === undefined,
    isRegExp: types.isRegExp,
    isObject: (v) => v !== null && typeof v === 'object',
    isDate: types.isDate,
    isError: types.isNativeError,
    isFunction: (v) => typeof v === 'function',
    isPrimitive: (v) => v === null || (typeof v !== 'object' && typeof v !== 'function'),
    isBuffer: (v) => internal.require('buffer').Buffer.isBuffer(v),
    debuglog: () => Object.assign(() => {}, { enabled: false }),
    debug: () => Object.assign(() => {}, { enabled: false }),
    toUSVString: (s) => String(s).toWellFormed ? String(s).toWellFormed() : String(s),
    stripVTControlCharacters: (s) => String(s).replace(/\u001b\[[0-9;]*[A-Za-z]/g, ''),
    getSystemErrorName: (code) => 'Unknown system error ' + code,
    aborted: (signal) => new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true })),
    TextEncoder,
    TextDecoder,
  };
})
