// require('tls'): TLS client sockets on the host's SSLEngine (no servers). tls.connect opens a socket that starts TLS
// once connected, or, given {socket}, upgrades an already connected net.Socket (STARTTLS, as pg does after its
// SSLRequest). Certificates are verified by the host against the JDK's roots, or against `ca` only when given; the
// name verified is `servername`, else `host`. With rejectUnauthorized: false a failed verification only shows in
// `authorized` and `authorizationError`.
(function (internal) {
  'use strict';

  const net = internal.require('net');
  const { Buffer } = internal.require('buffer');
  const { kTls, kId, kSockets, adopt } = net._tlsSupport;
  const JSONParse = JSON.parse;

  const argError = (Kind, message, code) => {
    const error = new Kind(message);
    error.code = code;
    return error;
  };

  // PEM strings out of a string, a Buffer or an array of either.
  const pems = (value) => {
    if (value === undefined || value === null) return [];
    const list = Array.isArray(value) ? value : [value];
    const out = [];
    for (let i = 0; i < list.length; i++) {
      const item = list[i];
      if (typeof item === 'string') out.push(item);
      else if (item instanceof Uint8Array) out.push(Buffer.from(item).toString('latin1'));
      else throw argError(TypeError, 'The "ca" option must be a string, a Buffer or an array of them', 'ERR_INVALID_ARG_TYPE');
    }
    return out;
  };

  // ALPN names out of an array of strings, an array of Buffers, or Node's wire format (length-prefixed) in a Buffer.
  const alpnNames = (value) => {
    if (value === undefined || value === null) return [];
    if (value instanceof Uint8Array && !Array.isArray(value)) {
      const names = [];
      for (let at = 0; at < value.length;) {
        const length = value[at];
        names.push(Buffer.from(value.subarray(at + 1, at + 1 + length)).toString('latin1'));
        at += 1 + length;
      }
      return names;
    }
    const out = [];
    for (let i = 0; i < value.length; i++) {
      out.push(typeof value[i] === 'string' ? value[i] : Buffer.from(value[i]).toString('latin1'));
    }
    return out;
  };

  const UNSUPPORTED = ['key', 'cert', 'pfx', 'passphrase', 'session', 'pskCallback'];

  // The options the host takes, checked once per socket.
  const tlsOptions = (options) => {
    for (let i = 0; i < UNSUPPORTED.length; i++) {
      if (options[UNSUPPORTED[i]] !== undefined && options[UNSUPPORTED[i]] !== null) {
        throw argError(Error, 'the tls option "' + UNSUPPORTED[i] + '" is not supported by handler sockets', 'ERR_RENGA_TLS_OPTION');
      }
    }
    const context = options.secureContext && options.secureContext.context;
    const ca = pems(options.ca !== undefined ? options.ca : context && context.ca);
    const servername = typeof options.servername === 'string' && options.servername !== '' ? options.servername : null;
    const custom = typeof options.checkServerIdentity === 'function' ? options.checkServerIdentity : null;
    return {
      servername,
      ca,
      rejectUnauthorized: options.rejectUnauthorized !== false,
      alpn: alpnNames(options.ALPNProtocols),
      // A handler's own identity check replaces the host's name verification, as in Node.
      checkServerIdentity: custom,
      verifyHost: custom === null,
    };
  };

  class TLSSocket extends net.Socket {
    constructor(socket, options) {
      const opts = options || {};
      super(opts);
      this[kTls] = tlsOptions(opts);
      this.encrypted = true;
      this.authorized = false;
      this.authorizationError = null;
      this.alpnProtocol = null;
      this.servername = this[kTls].servername;
      this._protocol = null;
      this._cipher = null;
      this._upgrading = socket instanceof net.Socket ? socket : null;
    }

    _secured(info) {
      this.authorized = info[0] === 'true';
      this.authorizationError = this.authorized ? null : info[1];
      this.alpnProtocol = info[2] === '' ? false : info[2];
      this._protocol = info[3];
      this._cipher = info[4];
      if (this.servername === null && this._host !== null && !net.isIP(this._host)) this.servername = this._host;
      const tls = this[kTls];
      if (tls.checkServerIdentity !== null && this.authorized) {
        const error = tls.checkServerIdentity(this.servername || this._host, this.getPeerCertificate());
        if (error) {
          if (tls.rejectUnauthorized) {
            this.destroy(error);
            return;
          }
          this.authorized = false;
          this.authorizationError = error.code || error.message;
        }
      }
      this.emit('secure');
      this.emit('secureConnect');
    }

    getPeerCertificate(detailed) {
      if (this[kId] === 0 || this[kSockets] === null) return null;
      const json = this[kSockets].host.peerCertificate(this[kId]);
      if (json === null || json === undefined) return {};
      const certificate = JSONParse(json);
      certificate.raw = Buffer.from(certificate.raw, 'base64');
      if (detailed) certificate.issuerCertificate = undefined;
      return certificate;
    }

    getProtocol() { return this._protocol; }

    getCipher() {
      return this._cipher === null ? undefined : { name: this._cipher, standardName: this._cipher, version: this._protocol };
    }

    getSession() { return undefined; }

    isSessionReused() { return false; }

    setServername(name) { this.servername = String(name); }

    getEphemeralKeyInfo() { return {}; }

    setMaxSendFragment() { return false; }

    // Upgrades the plain socket it was made with, once that one is connected.
    _upgrade() {
      const plain = this._upgrading;
      const start = () => {
        if (this.destroyed) return;
        adopt(this, plain);
        const tls = this[kTls];
        if (this.servername === null && !net.isIP(this._host)) this.servername = this._host;
        this[kSockets].host.startTls(this[kId], tls.servername, tls.ca, tls.rejectUnauthorized, tls.alpn, tls.verifyHost);
        // The plain socket's errors before the upgrade are its own; after it they are this socket's.
        this.read(0);
      };
      if (plain.connecting) plain.once('connect', start);
      else if (plain.destroyed || plain[kId] === 0) {
        process.nextTick(() => this.destroy(argError(Error, 'the socket to upgrade to TLS is closed', 'ERR_SOCKET_CLOSED')));
      } else start();
    }
  }

  // tls.connect(options[, callback]), (port[, host][, options][, callback]).
  const connect = (...args) => {
    let options = {};
    let callback = null;
    let i = 0;
    if (typeof args[i] === 'number' || (typeof args[i] === 'string' && /^\d+$/.test(args[i]))) {
      options.port = args[i++];
      if (typeof args[i] === 'string') options.host = args[i++];
    }
    if (args[i] !== null && typeof args[i] === 'object') options = Object.assign({}, args[i++], options);
    if (typeof args[i] === 'function') callback = args[i];
    if (options.socket) {
      if (!(options.socket instanceof net.Socket)) {
        throw argError(TypeError, 'tls.connect({socket}) upgrades a net.Socket only', 'ERR_RENGA_TLS_OPTION');
      }
      const socket = new TLSSocket(options.socket, options);
      if (callback !== null) socket.once('secureConnect', callback);
      socket._upgrade();
      return socket;
    }
    const socket = new TLSSocket(null, options);
    if (callback !== null) socket.once('secureConnect', callback);
    return socket.connect(options);
  };

  const createSecureContext = (options) => ({ context: { ca: pems(options && options.ca) } });

  // Node's default identity check: the name against the certificate's DNS names (one leading wildcard label) or IP
  // addresses, else its CN when it has no DNS names.
  const checkServerIdentity = (hostname, cert) => {
    const host = String(hostname).toLowerCase().replace(/\.$/, '');
    const altNames = String((cert && cert.subjectaltname) || '').split(', ');
    const dns = [];
    const ips = [];
    for (let i = 0; i < altNames.length; i++) {
      if (altNames[i].startsWith('DNS:')) dns.push(altNames[i].slice(4).toLowerCase());
      else if (altNames[i].startsWith('IP Address:')) ips.push(altNames[i].slice(11).toLowerCase());
    }
    const matches = (pattern) => {
      if (pattern === host) return true;
      if (!pattern.startsWith('*.')) return false;
      const dot = host.indexOf('.');
      return dot > 0 && host.slice(dot) === pattern.slice(1);
    };
    let ok;
    if (net.isIP(host)) ok = ips.includes(host);
    else if (dns.length > 0) ok = dns.some(matches);
    else ok = Boolean(cert && cert.subject && typeof cert.subject.CN === 'string' && matches(cert.subject.CN.toLowerCase()));
    if (ok) return undefined;
    const error = new Error("Hostname/IP does not match certificate's altnames: Host: " + hostname + '. is not in the cert\'s altnames: '
      + altNames.join(', '));
    error.code = 'ERR_TLS_CERT_ALTNAME_INVALID';
    error.reason = 'Host: ' + hostname + ". is not in the cert's altnames";
    error.host = hostname;
    error.cert = cert;
    return error;
  };

  return {
    TLSSocket,
    connect,
    createSecureContext,
    checkServerIdentity,
    createServer: () => {
      throw argError(Error, 'tls.createServer is not available to handlers: they may open client sockets only', 'ERR_RENGA_NETWORK_POLICY');
    },
    DEFAULT_ECDH_CURVE: 'auto',
    DEFAULT_MIN_VERSION: 'TLSv1.2',
    DEFAULT_MAX_VERSION: 'TLSv1.3',
    getCiphers: () => ['tls_aes_128_gcm_sha256', 'tls_aes_256_gcm_sha384', 'tls_chacha20_poly1305_sha256'],
    rootCertificates: [],
  };
})
