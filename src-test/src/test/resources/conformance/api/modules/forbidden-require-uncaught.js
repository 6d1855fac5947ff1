// An uncaught forbidden require ends the request with 500 exception naming the module.
// expect-status: 500
// expect-error: exception
// expect-body-contains: Cannot find module 'fs'
require('fs');
res.end('unreachable');
