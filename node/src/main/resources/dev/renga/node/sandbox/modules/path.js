// require('path'): POSIX paths (there is no file system, so resolve() starts from '/').
(function (internal) {
  'use strict';

  const check = (value, name) => {
    if (typeof value !== 'string') throw new TypeError('The "' + name + '" argument must be of type string. Received ' + typeof value);
  };

  const normalizeSegments = (path, absolute) => {
    const out = [];
    for (const segment of path.split('/')) {
      if (segment === '' || segment === '.') continue;
      if (segment === '..') {
        if (out.length && out[out.length - 1] !== '..') out.pop();
        else if (!absolute) out.push('..');
      } else out.push(segment);
    }
    return out.join('/');
  };

  const normalize = (path) => {
    check(path, 'path');
    if (path === '') return '.';
    const absolute = path.startsWith('/');
    const trailing = path.endsWith('/');
    let out = normalizeSegments(path, absolute);
    if (out === '' && !absolute) out = '.';
    if (out !== '' && trailing) out += '/';
    return (absolute ? '/' : '') + out;
  };

  const join = (...parts) => {
    parts.forEach((p) => check(p, 'path'));
    const joined = parts.filter((p) => p !== '').join('/');
    return joined === '' ? '.' : normalize(joined);
  };

  const resolve = (...parts) => {
    let resolved = '';
    for (let i = parts.length - 1; i >= 0 && !resolved.startsWith('/'); i--) {
      check(parts[i], 'paths[' + i + ']');
      if (parts[i] !== '') resolved = parts[i] + (resolved ? '/' + resolved : '');
    }
    if (!resolved.startsWith('/')) resolved = '/' + resolved;
    const out = '/' + normalizeSegments(resolved, true);
    return out;
  };

  const isAbsolute = (path) => { check(path, 'path'); return path.startsWith('/'); };

  const dirname = (path) => {
    check(path, 'path');
    if (path === '') return '.';
    const trimmed = path.length > 1 ? path.replace(/\/+$/, '') : path;
    const at = trimmed.lastIndexOf('/');
    if (at < 0) return '.';
    if (at === 0) return '/';
    return trimmed.slice(0, at).replace(/\/+$/, '') || '/';
  };

  const basename = (path, ext) => {
    check(path, 'path');
    const trimmed = path.replace(/\/+$/, '');
    let base = trimmed.slice(trimmed.lastIndexOf('/') + 1);
    if (ext !== undefined && base.endsWith(ext) && base !== ext) base = base.slice(0, -ext.length);
    return base;
  };

  const extname = (path) => {
    const base = basename(path);
    const at = base.lastIndexOf('.');
    return at <= 0 ? '' : base.slice(at);
  };

  const relative = (from, to) => {
    const a = resolve(from).split('/').filter(Boolean);
    const b = resolve(to).split('/').filter(Boolean);
    let common = 0;
    while (common < a.length && common < b.length && a[common] === b[common]) common++;
    return [...Array(a.length - common).fill('..'), ...b.slice(common)].join('/');
  };

  const parse = (path) => {
    check(path, 'path');
    const root = path.startsWith('/') ? '/' : '';
    const base = basename(path);
    const ext = extname(path);
    let dir = dirname(path);
    if (dir === '.' && !path.includes('/')) dir = '';
    return { root, dir, base, ext, name: ext ? base.slice(0, -ext.length) : base };
  };

  const format = (object) => {
    const dir = object.dir || object.root || '';
    const base = object.base || (object.name || '') + (object.ext ? (object.ext.startsWith('.') ? '' : '.') + object.ext : '');
    if (!dir) return base;
    return dir === object.root ? dir + base : dir + '/' + base;
  };

  const toNamespacedPath = (path) => path;

  const posix = { sep: '/', delimiter: ':', normalize, join, resolve, isAbsolute, dirname, basename, extname, relative, parse, format, toNamespacedPath };
  posix.posix = posix;
  posix.win32 = posix;
  return posix;
})
