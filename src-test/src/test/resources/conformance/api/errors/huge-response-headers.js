// Response headers over 64 Ki characters fail the request (they could not reach the gateway in one message).
// expect-status: 500
// expect-error: exception
// expect-body-contains: response headers of
res.setHeader('x-big', 'x'.repeat(70000));
res.end('never sent');
