// An unref'd timer alone does not keep the request waiting: the handler ends without a response (as Node's process
// would exit), and the timer never fires.
// expect-status: 500
// expect-error: no-response
setTimeout(() => res.end('fired'), 20).unref();
