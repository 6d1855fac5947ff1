// Counts its evaluations in this request's registry (one module instance per request); requires a module of its own
// relative to its own URL.
const registry = require('./registry.js');
registry.evaluations += 1;
const { greet } = require('./deep/greet.js');
let count = 0;
exports.increment = () => ++count + registry.evaluations * 100;
exports.greeting = greet('module') + ' from ' + __filename.slice(__filename.lastIndexOf('/handlers/'));
