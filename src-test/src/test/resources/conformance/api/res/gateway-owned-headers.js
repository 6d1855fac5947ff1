// x-renga-error marks Renga's own errors only, and x-request-id is the gateway's: a handler cannot set either.
// expect-status: 200
// expect-header-contains: x-request-id: conf-
// expect-body: ok
res.setHeader('x-renga-error', 'node-lost');
res.setHeader('x-request-id', 'forged');
res.end('ok');
