// require('dns'): name look-ups on the host's resolver (the JDK's, as the node's own connections use), under the
// request's network policy: a name with an address the policy refuses fails with ERR_RENGA_NETWORK_POLICY, as a
// connect to it would. lookup is Node's getaddrinfo; resolve4/resolve6/resolve answer A and AAAA from the same
// resolver (no TTLs); other record types fail with ENOTIMP. require('dns/promises') is dns.promises.
(function (internal, name) {
  'use strict';

  const V4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

  const dnsError = (code, syscall, hostname, message) => {
    const error = new Error(message || syscall + ' ' + code + ' ' + hostname);
    error.code = code;
    error.errno = code === 'ENOTFOUND' ? -3008 : undefined;
    error.syscall = syscall;
    error.hostname = hostname;
    return error;
  };

  // Asks the host; `done(error, [[address, family], ...])` runs in a later turn of the request.
  const ask = (hostname, family, done) => {
    const sockets = internal.sockets();
    const id = sockets.host.lookup(hostname, family);
    sockets.listen(id, (type, data, info) => {
      sockets.forget(id);
      if (type === 'error') {
        const code = info[0];
        done(code === 'ENOTFOUND' ? dnsError(code, 'getaddrinfo', hostname) : Object.assign(new Error(info[1]), {
          code, syscall: info[2], hostname,
        }));
        return;
      }
      const found = [];
      for (let i = 0; i + 1 < info.length; i += 2) found.push({ address: info[i], family: info[i + 1] === 'IPv6' ? 6 : 4 });
      done(null, found);
    });
  };

  const familyOf = (value) => {
    if (value === 'IPv4') return 4;
    if (value === 'IPv6') return 6;
    if (value === undefined || value === null || value === 0) return 0;
    if (value === 4 || value === 6) return value;
    const error = new TypeError('The argument \'family\' must be one of: 0, 4, 6. Received ' + String(value));
    error.code = 'ERR_INVALID_ARG_VALUE';
    throw error;
  };

  const literal = (hostname) => {
    if (V4.test(hostname)) return 4;
    return hostname.indexOf(':') >= 0 && /^[0-9a-fA-F:.%]+$/.test(hostname) ? 6 : 0;
  };

  // dns.lookup(hostname[, options | family], callback)
  const lookup = (hostname, options, callback) => {
    if (typeof options === 'function') { callback = options; options = {}; }
    if (typeof callback !== 'function') {
      const error = new TypeError('The "callback" argument must be of type function');
      error.code = 'ERR_INVALID_ARG_TYPE';
      throw error;
    }
    const opts = typeof options === 'number' ? { family: options } : options || {};
    const family = familyOf(opts.family);
    const all = Boolean(opts.all);
    if (typeof hostname !== 'string' || hostname === '') {
      // Node answers a falsy name with no address.
      process.nextTick(() => (all ? callback(null, []) : callback(null, null, family === 6 ? 6 : 4)));
      return {};
    }
    const literalFamily = literal(hostname);
    if (literalFamily !== 0) {
      // An address is not looked up (the policy is checked when something connects to it).
      process.nextTick(() => (all ? callback(null, [{ address: hostname, family: literalFamily }])
        : callback(null, hostname, literalFamily)));
      return {};
    }
    ask(hostname, family, (error, found) => {
      if (error) callback(error);
      else if (all) callback(null, found);
      else callback(null, found[0].address, found[0].family);
    });
    return {};
  };

  const resolveFamily = (family, syscall) => (hostname, options, callback) => {
    if (typeof options === 'function') { callback = options; options = {}; }
    ask(String(hostname), family, (error, found) => {
      if (error) {
        if (error.code === 'ENOTFOUND') error.syscall = syscall;
        callback(error);
        return;
      }
      const addresses = found.map((entry) => entry.address);
      callback(null, options && options.ttl ? addresses.map((address) => ({ address, ttl: 0 })) : addresses);
    });
  };
  const resolve4 = resolveFamily(4, 'queryA');
  const resolve6 = resolveFamily(6, 'queryAaaa');
  const resolve = (hostname, rrtype, callback) => {
    if (typeof rrtype === 'function') { callback = rrtype; rrtype = 'A'; }
    if (rrtype === 'A') return resolve4(hostname, callback);
    if (rrtype === 'AAAA') return resolve6(hostname, callback);
    process.nextTick(() => callback(dnsError('ENOTIMP', 'query' + rrtype, hostname,
      'query' + rrtype + ' ENOTIMP ' + hostname + ': handlers can resolve A and AAAA records only')));
    return undefined;
  };
  const notImplemented = (name) => (hostname, ...args) => {
    const callback = args[args.length - 1];
    process.nextTick(() => callback(dnsError('ENOTIMP', name, hostname, name + ' ENOTIMP ' + hostname
      + ': handlers can resolve A and AAAA records only')));
  };

  const promisify = (fn, shape) => (...args) => new Promise((resolvePromise, reject) => {
    fn(...args, (error, ...results) => (error ? reject(error) : resolvePromise(shape(...results))));
  });

  const promises = {
    lookup: (hostname, options) => promisify(lookup, (address, family) =>
      (Array.isArray(address) ? address : { address, family }))(hostname, options || {}),
    resolve: promisify(resolve, (x) => x),
    resolve4: promisify(resolve4, (x) => x),
    resolve6: promisify(resolve6, (x) => x),
  };

  const constants = {
    ADDRCONFIG: 1024, V4MAPPED: 2048, ALL: 256, NODATA: 'ENODATA', FORMERR: 'EFORMERR', SERVFAIL: 'ESERVFAIL',
    NOTFOUND: 'ENOTFOUND', NOTIMP: 'ENOTIMP', REFUSED: 'EREFUSED', CONNREFUSED: 'ECONNREFUSED', TIMEOUT: 'ETIMEOUT',
  };

  const exports = Object.assign({
    lookup,
    resolve,
    resolve4,
    resolve6,
    resolveAny: notImplemented('queryAny'),
    resolveMx: notImplemented('queryMx'),
    resolveTxt: notImplemented('queryTxt'),
    resolveSrv: notImplemented('querySrv'),
    resolveCname: notImplemented('queryCname'),
    resolveNs: notImplemented('queryNs'),
    reverse: notImplemented('getHostByAddr'),
    promises,
    getServers: () => [],
    setServers: () => {
      const error = new Error('dns.setServers is not available to handlers: they use the node\'s resolver');
      error.code = 'ERR_RENGA_NETWORK_POLICY';
      throw error;
    },
    setDefaultResultOrder: () => {},
    getDefaultResultOrder: () => 'verbatim',
  }, constants);
  return name === 'dns/promises' ? promises : exports;
})
