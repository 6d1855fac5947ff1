// require('./lib/...'): relative modules fetched next to the handler; './x' means './x.js'; .json parsed;
// a module's own relative requires; each module runs once per request.
// expect-status: 200
// expect-body: Hello, conformance!|{"answer":42}|runs=1|filename-ok=true
const greeter = require('./lib/greeter.js');
const again = require('./lib/greeter');
const data = require('./lib/data.json');
res.end([greeter.greet('conformance'), JSON.stringify(data), 'runs=' + again.runs(),
  'filename-ok=' + greeter.filename.endsWith('/conformance/api/modules/lib/greeter.js')].join('|'));
