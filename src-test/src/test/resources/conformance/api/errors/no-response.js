// A handler that returns with nothing pending and no response gets 500 no-response at once, not at the timeout (5 s).
// expect-status: 500
// expect-error: no-response
// expect-within-ms: 3000
const nothing = 1 + 1;
