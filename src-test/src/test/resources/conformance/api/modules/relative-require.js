// require('./lib/...'): relative modules fetched next to the handler; './x' means './x.js'; .json parsed;
// a module's own relative requires; each module runs once per request, and its state starts afresh with each request
// (repeat: the second request sees calls=1 again).
// repeat: 2
// expect-status: 200
// expect-body: Hello, conformance!|{"answer":42}|runs=1|calls=1|filename-ok=true
const greeter = require('./lib/greeter.js');
const again = require('./lib/greeter');
const data = require('./lib/data.json');
res.end([greeter.greet('conformance'), JSON.stringify(data), 'runs=' + again.runs(), 'calls=' + greeter.call(),
  'filename-ok=' + greeter.filename.endsWith('/conformance/api/modules/lib/greeter.js')].join('|'));
