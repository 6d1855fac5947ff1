// One instance per request: counter.js counts its own evaluations here.
module.exports = { evaluations: 0 };
