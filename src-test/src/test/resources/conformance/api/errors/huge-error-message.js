// An error with megabytes of message: the client gets 500 exception with the message cut, not a lost request.
// expect-status: 500
// expect-error: exception
// expect-body-contains: characters in all)
throw new Error('y'.repeat(3 * 1024 * 1024));
