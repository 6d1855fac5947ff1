// An exception thrown in a timer callback: 500 exception.
// expect-status: 500
// expect-error: exception
// expect-body-contains: thrown from a timer
setTimeout(() => { throw new Error('thrown from a timer'); }, 10);
