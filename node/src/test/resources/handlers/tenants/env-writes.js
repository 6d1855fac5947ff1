// Writes into process.env, then reads it back: what a request writes stays in that request.
const before = process.env.WRITTEN === undefined ? 'absent' : 'present';
process.env.WRITTEN = 'yes';
res.end(before + ' ' + process.env.WRITTEN);
