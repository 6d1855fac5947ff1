// An uncaught use of a refused module ends the request with 500 exception naming the module.
// expect-status: 500
// expect-error: exception
// expect-body-contains: fs
require('fs').readFileSync('/etc/passwd');
res.end('unreachable');
