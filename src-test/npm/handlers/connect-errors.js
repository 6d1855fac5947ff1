// What a database driver sees when it cannot connect: a closed port, a name that does not resolve, an address the
// network policy refuses. Each attempt's error code and message.
const { Client } = require('pg');

const attempt = async (config) => {
  const client = new Client({ user: 'renga', password: 'x', database: 'renga', connectionTimeoutMillis: 5000, ...config });
  try {
    await client.connect();
    await client.end();
    return 'connected';
  } catch (error) {
    return error.code + ': ' + error.message;
  }
};

module.exports = async (req, res) => {
  const { closedPort } = await req.json();
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify({
    closed: await attempt({ host: '127.0.0.1', port: closedPort }),
    unresolvable: await attempt({ host: 'no-such-host.invalid', port: 5432 }),
    policy: await attempt({ host: '169.254.169.254', port: 5432 }),
  }));
};
