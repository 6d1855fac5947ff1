// A CommonJS module for relative-require.js; it requires a module of its own.
const punctuation = require('./punctuation');
let runs = 0;
let calls = 0;
runs++;
module.exports = {
  greet: (name) => 'Hello, ' + name + punctuation.bang,
  runs: () => runs,
  call: () => ++calls,
  filename: __filename,
};
