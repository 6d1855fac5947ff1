// require('os'): a neutral Linux machine. A handler learns nothing of the node that runs it: the host name, CPUs and
// memory are the same everywhere, not the node's.
(function (internal) {
  'use strict';

  const CPUS = 1;
  const MEMORY = 1024 * 1024 * 1024;
  const cpu = Object.freeze({ model: 'Renga sandbox', speed: 0, times: Object.freeze({ user: 0, nice: 0, sys: 0, idle: 0, irq: 0 }) });
  const constants = Object.freeze({
    signals: Object.freeze({ SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGKILL: 9, SIGTERM: 15 }),
    errno: Object.freeze({ ECONNREFUSED: 111, ECONNRESET: 104, ETIMEDOUT: 110, ENOTFOUND: -3008 }),
    priority: Object.freeze({ PRIORITY_LOW: 19, PRIORITY_NORMAL: 0, PRIORITY_HIGH: -14 }),
  });
  return {
    EOL: '\n',
    devNull: '/dev/null',
    constants,
    platform: () => 'linux',
    type: () => 'Linux',
    release: () => '6.1.0',
    version: () => '#1 SMP',
    machine: () => 'x86_64',
    arch: () => 'x64',
    endianness: () => 'LE',
    hostname: () => 'localhost',
    homedir: () => '/',
    tmpdir: () => '/tmp',
    cpus: () => Array.from({ length: CPUS }, () => cpu),
    availableParallelism: () => CPUS,
    totalmem: () => MEMORY,
    freemem: () => MEMORY,
    loadavg: () => [0, 0, 0],
    uptime: () => Math.floor(internal.host.nanoTime() / 1e9),
    networkInterfaces: () => ({}),
    userInfo: () => ({ uid: 1000, gid: 1000, username: 'handler', homedir: '/', shell: null }),
    getPriority: () => 0,
    setPriority: () => {},
  };
})
