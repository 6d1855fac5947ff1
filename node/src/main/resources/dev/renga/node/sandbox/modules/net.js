// require('net'): TCP client sockets (no servers). A Socket is a stream.Duplex over one of the request's host sockets
// (RequestSockets on the node's socket I/O thread): the host connects to the address the network policy approved,
// reads a chunk each time the stream asks (_read) and reports each write once the kernel took it, so write() returns
// false and 'drain' follows as in Node. Host news arrives in turns of the request (internal.sockets().listen).
(function (internal) {
  'use strict';

  const { Duplex } = internal.require('stream');
  const { Buffer } = internal.require('buffer');
  const { setTimeout, clearTimeout } = internal.timers;
  const ObjectAssign = Object.assign;
  const NumberIsInteger = Number.isInteger;
  const DateNow = Date.now;

  // libuv's errno values, which Node puts on errors next to the code.
  const ERRNO = {
    ECONNREFUSED: -111, ECONNRESET: -104, ETIMEDOUT: -110, EPIPE: -32, ENOTFOUND: -3008, EHOSTUNREACH: -113,
    ENETUNREACH: -101, EAI_FAIL: -3007,
  };

  const kId = Symbol('renga.socketId');
  const kSockets = Symbol('renga.sockets');
  const kWrites = Symbol('renga.writes');
  const kPending = Symbol('renga.pending');
  const kWantRead = Symbol('renga.wantRead');
  const kTimer = Symbol('renga.timer');
  const kLastActive = Symbol('renga.lastActive');
  const kRef = Symbol('renga.ref');
  const kTls = Symbol('renga.tls');

  // ---- addresses --------------------------------------------------------------------------------------------------
  const V4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
  const HEX = /^[0-9a-fA-F]{1,4}$/;
  const isIPv4 = (input) => typeof input === 'string' && V4.test(input);
  const isIPv6 = (input) => {
    if (typeof input !== 'string' || input.length > 64) return false;
    let text = input;
    const zone = text.indexOf('%');
    if (zone >= 0) {
      if (zone === text.length - 1) return false;
      text = text.slice(0, zone);
    }
    const halves = text.split('::');
    if (halves.length > 2) return false;
    const groups = (half) => (half === '' ? [] : half.split(':'));
    const head = groups(halves[0]);
    const tail = halves.length === 2 ? groups(halves[1]) : [];
    const all = head.concat(tail);
    let count = all.length;
    for (let i = 0; i < all.length; i++) {
      if (i === all.length - 1 && isIPv4(all[i])) { count++; continue; }
      if (!HEX.test(all[i])) return false;
    }
    return halves.length === 2 ? count <= 7 : count === 8;
  };
  const isIP = (input) => (isIPv4(input) ? 4 : isIPv6(input) ? 6 : 0);

  // ---- errors -----------------------------------------------------------------------------------------------------
  const hostError = (info, extra) => {
    const code = info[0];
    const error = new Error(info[1]);
    error.code = code;
    if (ERRNO[code] !== undefined) error.errno = ERRNO[code];
    if (info[2]) error.syscall = info[2];
    return ObjectAssign(error, extra);
  };
  const argError = (Kind, message, code) => {
    const error = new Kind(message);
    error.code = code;
    return error;
  };

  // net.connect(options[, listener]), (port[, host][, listener]), (path[, listener]) as Node normalizes them.
  const normalizeArgs = (args) => {
    let options = {};
    const first = args[0];
    if (first !== null && typeof first === 'object') {
      options = ObjectAssign({}, first);
    } else if (typeof first === 'string' && !/^\d+$/.test(first)) {
      options.path = first;
    } else {
      options.port = first;
      if (typeof args[1] === 'string') options.host = args[1];
    }
    const last = args[args.length - 1];
    return [options, typeof last === 'function' ? last : null];
  };

  const checkPort = (port) => {
    const number = typeof port === 'string' && port.trim() !== '' ? Number(port) : port;
    if (typeof number !== 'number' || !NumberIsInteger(number) || number < 0 || number > 65535) {
      throw argError(RangeError, 'Port should be >= 0 and < 65536. Received ' + String(port) + '.', 'ERR_SOCKET_BAD_PORT');
    }
    return number;
  };

  class Socket extends Duplex {
    constructor(options) {
      const opts = options || {};
      super({
        allowHalfOpen: Boolean(opts.allowHalfOpen),
        emitClose: false,
        autoDestroy: true,
        decodeStrings: true,
        highWaterMark: opts.highWaterMark,
      });
      if (opts.fd !== undefined || opts.handle !== undefined) {
        throw argError(Error, 'sockets from file descriptors or handles are not available to handlers', 'ERR_RENGA_NETWORK_POLICY');
      }
      this.connecting = false;
      this.bytesRead = 0;
      this._bytesWritten = 0;
      this.remoteAddress = undefined;
      this.remotePort = undefined;
      this.remoteFamily = undefined;
      this.localAddress = undefined;
      this.localPort = undefined;
      this.timeout = 0;
      this._host = null;
      this[kId] = 0;
      this[kSockets] = null;
      this[kWrites] = [];
      this[kPending] = [];
      this[kWantRead] = false;
      this[kTimer] = undefined;
      this[kLastActive] = 0;
      this[kRef] = true;
      this[kTls] = null;
      this._hadError = false;
    }

    get bytesWritten() { return this._bytesWritten; }
    get pending() { return this[kId] === 0 || this.connecting; }
    get readyState() {
      if (this.connecting) return 'opening';
      if (this.readable && this.writable) return 'open';
      if (this.readable && !this.writable) return 'readOnly';
      if (!this.readable && this.writable) return 'writeOnly';
      return 'closed';
    }

    connect(...args) {
      const [options, listener] = normalizeArgs(args);
      if (this[kId] !== 0 || this.connecting) {
        throw argError(Error, 'Socket is already connected or connecting', 'ERR_SOCKET_CONNECTION_IN_PROGRESS');
      }
      if (listener !== null) this.once(this[kTls] !== null ? 'secureConnect' : 'connect', listener);
      if (options.path !== undefined) {
        const error = argError(Error, 'connect to ' + options.path + ' refused: Unix domain sockets are not available to handlers',
          'ERR_RENGA_NETWORK_POLICY');
        process.nextTick(() => this.destroy(error));
        return this;
      }
      const port = checkPort(options.port);
      const host = options.host === undefined || options.host === null || options.host === '' ? 'localhost' : String(options.host);
      const family = options.family === 4 || options.family === 6 ? options.family : 0;
      if (options.timeout) this.setTimeout(options.timeout);
      this._host = host;
      this._port = port;
      this.connecting = true;
      const sockets = internal.sockets();
      this[kSockets] = sockets;
      const tls = this[kTls];
      this[kId] = tls === null
        ? sockets.host.connect(host, port, family, Boolean(options.noDelay))
        : sockets.host.connect(host, port, family, Boolean(options.noDelay), tls.servername, tls.ca, tls.rejectUnauthorized,
          tls.alpn, tls.verifyHost);
      this._attach();
      if (!this[kRef]) sockets.host.ref(this[kId], false);
      if (options.keepAlive) this.setKeepAlive(true, options.keepAliveInitialDelay);
      return this;
    }

    // Makes this socket the receiver of its host socket's news (after a connect, or when TLS takes a socket over).
    _attach() {
      this[kSockets].listen(this[kId], (type, data, info) => this._news(type, data, info));
    }

    _news(type, data, info) {
      if (this.destroyed) return;
      switch (type) {
        case 'lookup':
          this._address = info[0];
          this.emit('lookup', null, info[0], info[1] === 'IPv6' ? 6 : 4, info[2]);
          break;
        case 'connect':
          this._connected(info);
          break;
        case 'data': {
          const bytes = Buffer.from(new Uint8Array(data).slice().buffer);
          this.bytesRead += bytes.length;
          this._active();
          this.push(bytes);
          break;
        }
        case 'end':
          this.push(null);
          break;
        case 'written': {
          const upTo = Number(info[0]);
          const writes = this[kWrites];
          let done = 0;
          while (done < writes.length && writes[done][0] <= upTo) done++;
          const callbacks = writes.splice(0, done);
          this._active();
          for (let i = 0; i < callbacks.length; i++) callbacks[i][1]();
          break;
        }
        case 'secure':
          this._secured(info);
          break;
        case 'error': {
          this._hadError = true;
          this.connecting = false;
          const extra = info[0] === 'ENOTFOUND' ? { hostname: this._host }
            : info[2] === 'connect' && this._address !== undefined ? { address: this._address, port: this._port } : {};
          this.destroy(hostError(info, extra));
          break;
        }
        default:
          break;
      }
    }

    _connected(info) {
      this.connecting = false;
      this.localAddress = info[0];
      this.localPort = Number(info[1]);
      this.remoteAddress = info[2];
      this.remotePort = Number(info[3]);
      this.remoteFamily = info[4];
      this._active();
      const pending = this[kPending];
      this[kPending] = [];
      for (let i = 0; i < pending.length; i++) pending[i]();
      if (this[kWantRead]) {
        this[kWantRead] = false;
        this[kSockets].host.read(this[kId]);
      }
      this.emit('connect');
      this.emit('ready');
      // As Node: start reading at once, so the end of the stream is noticed even before anyone reads.
      if (!this.isPaused()) this.read(0);
    }

    // Overridden by TLSSocket.
    _secured() {}

    _read() {
      if (this.connecting || this[kId] === 0) {
        this[kWantRead] = true;
        return;
      }
      this[kSockets].host.read(this[kId]);
    }

    _write(chunk, encoding, callback) {
      if (this.connecting) {
        this[kPending].push(() => this._write(chunk, encoding, callback));
        return;
      }
      if (this[kId] === 0) {
        callback(argError(Error, 'This socket is closed', 'ERR_SOCKET_CLOSED'));
        return;
      }
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk, encoding) : chunk;
      this._send(bytes, callback);
    }

    _writev(chunks, callback) {
      if (this.connecting) {
        this[kPending].push(() => this._writev(chunks, callback));
        return;
      }
      const parts = [];
      for (let i = 0; i < chunks.length; i++) {
        const chunk = chunks[i].chunk;
        parts.push(typeof chunk === 'string' ? Buffer.from(chunk, chunks[i].encoding) : chunk);
      }
      this._send(Buffer.concat(parts), callback);
    }

    // Hands bytes to the host; `callback` runs once the host reports them (and all before) taken by the kernel.
    _send(bytes, callback) {
      this._writeSeq = (this._writeSeq || 0) + 1;
      const seq = this._writeSeq;
      this._bytesWritten += bytes.length;
      this[kWrites].push([seq, callback]);
      this._active();
      this[kSockets].host.write(this[kId], bytes.buffer, bytes.byteOffset, bytes.byteLength, seq);
    }

    _final(callback) {
      if (this.connecting) {
        this[kPending].push(() => this._final(callback));
        return;
      }
      if (this[kId] === 0) {
        callback();
        return;
      }
      this._writeSeq = (this._writeSeq || 0) + 1;
      this[kWrites].push([this._writeSeq, callback]);
      this[kSockets].host.end(this[kId], this._writeSeq);
    }

    _destroy(error, callback) {
      this.connecting = false;
      if (this[kTimer] !== undefined) {
        clearTimeout(this[kTimer]);
        this[kTimer] = undefined;
      }
      const id = this[kId];
      if (id !== 0 && this[kSockets] !== null) {
        this[kSockets].forget(id);
        this[kSockets].host.destroy(id);
      }
      this[kWrites] = [];
      this[kPending] = [];
      callback(error);
      const hadError = Boolean(error) || this._hadError;
      process.nextTick(() => this.emit('close', hadError));
    }

    // ---- timeouts: 'timeout' after `timeout` ms without reads or writes (one timer, moved on only when it fires) --
    setTimeout(ms, callback) {
      const timeout = Number(ms);
      if (!(timeout >= 0) || !Number.isFinite(timeout)) {
        throw argError(RangeError, 'The value of "timeout" is out of range. Received ' + String(ms), 'ERR_OUT_OF_RANGE');
      }
      this.timeout = timeout;
      if (typeof callback === 'function') {
        if (timeout === 0) this.removeListener('timeout', callback);
        else this.once('timeout', callback);
      }
      if (this[kTimer] !== undefined) {
        clearTimeout(this[kTimer]);
        this[kTimer] = undefined;
      }
      this[kLastActive] = DateNow();
      if (timeout > 0 && !this.destroyed) this._armTimer(timeout);
      return this;
    }

    // The timer does not keep the request waiting by itself (where timers can be unref'd): the socket does.
    _armTimer(delay) {
      const timer = setTimeout(() => {
        this[kTimer] = undefined;
        if (this.destroyed || this.timeout === 0) return;
        const idle = DateNow() - this[kLastActive];
        if (idle >= this.timeout) this.emit('timeout');
        else this._armTimer(this.timeout - idle);
      }, delay);
      if (timer !== null && typeof timer === 'object' && typeof timer.unref === 'function') timer.unref();
      this[kTimer] = timer;
    }

    _active() {
      this[kLastActive] = DateNow();
      if (this.timeout > 0 && this[kTimer] === undefined && !this.destroyed) this._armTimer(this.timeout);
    }

    setNoDelay(noDelay) {
      if (this[kId] !== 0) this[kSockets].host.noDelay(this[kId], noDelay === undefined ? true : Boolean(noDelay));
      return this;
    }

    setKeepAlive(enable) {
      if (this[kId] !== 0) this[kSockets].host.keepAlive(this[kId], Boolean(enable));
      return this;
    }

    // An unreferenced socket no longer keeps the request waiting (its timer neither).
    ref() {
      this[kRef] = true;
      if (this[kId] !== 0 && !this.destroyed) this[kSockets].host.ref(this[kId], true);
      return this;
    }

    unref() {
      this[kRef] = false;
      if (this[kId] !== 0 && !this.destroyed) this[kSockets].host.ref(this[kId], false);
      return this;
    }

    address() {
      if (this.localAddress === undefined) return {};
      return { address: this.localAddress, family: this.remoteFamily, port: this.localPort };
    }

    resetAndDestroy() {
      return this.destroy(argError(Error, 'Socket closed with a reset', 'ERR_SOCKET_CLOSED'));
    }

    destroySoon() {
      if (this.writable) this.end();
      if (this.writableFinished) this.destroy();
      else this.once('finish', () => this.destroy());
    }
  }

  // For tls.js: what it needs of a socket's insides, never reachable by handler code through this module's exports.
  const tlsSupport = {
    kTls,
    kId,
    kSockets,
    // Takes over `plain`'s host socket: `secure` gets its news from now on (after a STARTTLS exchange).
    adopt: (secure, plain) => {
      secure[kSockets] = plain[kSockets];
      secure[kId] = plain[kId];
      secure._host = plain._host;
      secure.remoteAddress = plain.remoteAddress;
      secure.remotePort = plain.remotePort;
      secure.remoteFamily = plain.remoteFamily;
      secure.localAddress = plain.localAddress;
      secure.localPort = plain.localPort;
      secure._attach();
      // The plain socket no longer owns the host socket: destroying it must not close the TLS connection's twice.
      plain[kId] = 0;
    },
  };

  const connect = (...args) => {
    const [options] = normalizeArgs(args);
    const socket = new Socket(options);
    return socket.connect(...args);
  };

  const notAvailable = (what) => () => {
    throw argError(Error, what + ' is not available to handlers: they answer through res and may open client sockets only',
      'ERR_RENGA_NETWORK_POLICY');
  };

  class BlockList {
    constructor() { throw argError(Error, 'net.BlockList is not available to handlers', 'ERR_RENGA_NETWORK_POLICY'); }
  }

  const exports = {
    Socket,
    Stream: Socket,
    connect,
    createConnection: connect,
    createServer: notAvailable('net.createServer'),
    Server: notAvailable('net.Server'),
    BlockList,
    isIP,
    isIPv4,
    isIPv6,
    // Connects go to the first approved address: no happy eyeballs (the setters are accepted and change nothing).
    getDefaultAutoSelectFamily: () => false,
    setDefaultAutoSelectFamily: () => {},
    getDefaultAutoSelectFamilyAttemptTimeout: () => 250,
    setDefaultAutoSelectFamilyAttemptTimeout: () => {},
  };
  Object.defineProperty(exports, '_tlsSupport', { value: tlsSupport, enumerable: false });
  return exports;
})
