// Counts evaluations in this request's context; requires a module of its own relative to its own URL.
globalThis.evaluations = (globalThis.evaluations || 0) + 1;
const { greet } = require('./deep/greet.js');
let count = 0;
exports.increment = () => ++count + globalThis.evaluations * 100;
exports.greeting = greet('module') + ' from ' + __filename.slice(__filename.lastIndexOf('/handlers/'));
