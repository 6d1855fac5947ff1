// An awaited rejection that is not caught rejects the handler: 500 exception.
// expect-status: 500
// expect-error: exception
// expect-body-contains: awaited rejection
await new Promise((resolve, reject) => setTimeout(() => reject(new Error('awaited rejection')), 10));
res.end('unreachable');
