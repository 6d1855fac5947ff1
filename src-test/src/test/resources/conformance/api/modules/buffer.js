// require('buffer'): the same Buffer as the global, atob/btoa, kMaxLength.
// expect-status: 200
// expect-body: true|aGk=|true
const buffer = require('buffer');
res.end([buffer.Buffer === Buffer, buffer.btoa('hi'), buffer.kMaxLength > 0].join('|'));
