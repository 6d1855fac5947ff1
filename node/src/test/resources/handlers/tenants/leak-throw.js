// Logs its tenant's secret, then throws an error whose message and stack carry it.
console.error('password: ' + process.env.DB_PASSWORD);
function connect(password) {
  throw new Error('cannot connect as admin:' + password + '@db');
}
connect(process.env.DB_PASSWORD);
