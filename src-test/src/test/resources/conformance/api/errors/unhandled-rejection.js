// An unhandled rejection of a floating promise while the response is pending: 500 exception with the message.
// expect-status: 500
// expect-error: exception
// expect-body-contains: floating rejection
// expect-within-ms: 3000
setTimeout(() => res.end('the rejection was ignored'), 1500);
Promise.reject(new Error('floating rejection'));
