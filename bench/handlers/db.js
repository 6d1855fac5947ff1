// One PostgreSQL query per request with the unmodified `pg` package: open a connection (SCRAM-SHA-256 password
// auth on loopback), read one row by primary key, close it. __PG_PORT__ and __PG_PASSWORD__ are filled in per run.
const { Client } = require('pg');
const client = new Client({ host: '127.0.0.1', port: __PG_PORT__, user: 'renga', password: '__PG_PASSWORD__', database: 'renga' });
await client.connect();
try {
  const id = 1 + Math.floor(Math.random() * 1000);
  const { rows } = await client.query('SELECT id, name FROM items WHERE id = $1', [id]);
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify(rows[0]));
} finally {
  await client.end();
}
