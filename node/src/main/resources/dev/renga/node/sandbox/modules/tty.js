// require('tty'): a handler's output is never a terminal.
(function (internal) {
  'use strict';

  const notATerminal = () => {
    const error = new Error("require('tty') streams are not available in Renga: a handler's output is a log, not a terminal");
    error.code = 'ERR_RENGA_UNSUPPORTED';
    throw error;
  };
  return {
    isatty: () => false,
    ReadStream: notATerminal,
    WriteStream: notATerminal,
  };
})
