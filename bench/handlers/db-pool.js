// The same query as db.js on a connection opened before the request (a `pg` Pool the server keeps across requests):
// what a request costs without opening a connection. Only the Node.js vm peer can run it (`pgPool`); Renga has no
// connections that outlive a request.
const id = 1 + Math.floor(Math.random() * 1000);
const { rows } = await pgPool.query('SELECT id, name FROM items WHERE id = $1', [id]);
res.writeHead(200, { 'content-type': 'application/json' });
res.end(JSON.stringify(rows[0]));
