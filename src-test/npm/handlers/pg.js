// PostgreSQL through the unmodified `pg` package: SCRAM-SHA-256 password, TLS after SSLRequest (STARTTLS) checked
// against the CA the request names. Writes a note, reads every note back, and says whether the session is encrypted.
const { Client } = require('pg');

module.exports = async (req, res) => {
  const options = await req.json();
  const client = new Client({
    host: '127.0.0.1',
    port: options.port,
    user: options.user,
    password: options.password,
    database: options.database,
    ssl: options.ca ? { ca: options.ca, servername: 'localhost' } : false,
    connectionTimeoutMillis: 5000,
  });
  await client.connect();
  try {
    await client.query('CREATE TABLE IF NOT EXISTS notes (id serial PRIMARY KEY, text text NOT NULL)');
    const inserted = await client.query('INSERT INTO notes (text) VALUES ($1) RETURNING id', [options.text]);
    const notes = await client.query('SELECT id, text FROM notes ORDER BY id');
    const ssl = await client.query('SELECT ssl, version FROM pg_stat_ssl WHERE pid = pg_backend_pid()');
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ id: inserted.rows[0].id, notes: notes.rows, ssl: ssl.rows[0] }));
  } finally {
    await client.end();
  }
};
