// A to-do list that keeps its data in PostgreSQL, through the `pg` package from the node's package directory
// (renga.handlers.packages; docs/HANDLERS.md "npm packages"). Every request opens its own connection and closes it.
//   GET    /todos           the list
//   POST   /todos           {"title": "..."} adds one (201)
//   POST   /todos/ID/done   marks one done
//   DELETE /todos/ID        removes one (204)
// The database comes from process.env.DATABASE_URL (a tenant's environment, renga.tenants), else a local one.
const { Client } = require('pg');

const DATABASE_URL = (process.env && process.env.DATABASE_URL) || 'postgres://renga:renga@127.0.0.1:5432/renga';

const send = (status, value) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(value === undefined ? '' : JSON.stringify(value) + '\n');
};

const client = new Client({ connectionString: DATABASE_URL, connectionTimeoutMillis: 3000 });
try {
  await client.connect();
  await client.query(`CREATE TABLE IF NOT EXISTS todos (
    id serial PRIMARY KEY, title text NOT NULL, done boolean NOT NULL DEFAULT false,
    created timestamptz NOT NULL DEFAULT now())`);
  const path = req.url.split('?')[0].replace(/\/+$/, '');
  const one = /^\/todos\/(\d+)(\/done)?$/.exec(path);
  if (req.method === 'GET' && path === '/todos') {
    send(200, (await client.query('SELECT id, title, done, created FROM todos ORDER BY id')).rows);
  } else if (req.method === 'POST' && path === '/todos') {
    let title;
    try {
      title = (await req.json()).title;
    } catch (e) {
      title = undefined;
    }
    if (typeof title !== 'string' || title.trim() === '' || title.length > 200) {
      send(400, { error: 'send {"title": "..."} with a title of 1 to 200 characters' });
    } else {
      send(201, (await client.query('INSERT INTO todos (title) VALUES ($1) RETURNING id, title, done, created', [title.trim()])).rows[0]);
    }
  } else if (req.method === 'POST' && one && one[2]) {
    const done = await client.query('UPDATE todos SET done = true WHERE id = $1 RETURNING id, title, done, created', [one[1]]);
    if (done.rowCount === 0) send(404, { error: 'no to-do ' + one[1] });
    else send(200, done.rows[0]);
  } else if (req.method === 'DELETE' && one && !one[2]) {
    const removed = await client.query('DELETE FROM todos WHERE id = $1', [one[1]]);
    if (removed.rowCount === 0) send(404, { error: 'no to-do ' + one[1] });
    else send(204);
  } else {
    send(404, { error: 'try GET /todos, POST /todos, POST /todos/ID/done or DELETE /todos/ID' });
  }
} finally {
  await client.end();
}
