// Requires a relative module twice (one evaluation per request), a JSON module, and one that is not there.
const lib = require('./lib/counter.js');
const again = require('./lib/counter');
const data = require('./lib/data.json');
let missing;
try { require('./lib/missing.js'); } catch (e) { missing = e.code + ': ' + e.message; }
let dynamic;
const name = './lib/' + 'other.js';
try { require(name); } catch (e) { dynamic = e.message; }
res.end(JSON.stringify({ count: lib.increment(), same: lib === again, greeting: lib.greeting, data, missing, dynamic }));
