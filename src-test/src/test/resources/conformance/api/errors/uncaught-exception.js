// An uncaught exception: 500 exception with the message and the JS stack (this file and line).
// expect-status: 500
// expect-error: exception
// expect-body-contains: conformance boom
// expect-body-contains: uncaught-exception.js:6
throw new Error('conformance boom');
