// PostgreSQL, Redis and MongoDB from one handler, through the unmodified `pg`, `ioredis` and `mongodb` packages (as
// docs/HANDLERS.md shows it): each request records a visit in all three and answers with what they hold. The
// connection strings come from the tenant's env (renga.tenants: DATABASE_URL, REDIS_URL, MONGODB_URL).
const { Client } = require('pg');
const Redis = require('ioredis');
const { MongoClient } = require('mongodb');

module.exports = async (req, res) => {
  const { DATABASE_URL, REDIS_URL, MONGODB_URL } = process.env;
  const pg = new Client({ connectionString: DATABASE_URL });
  const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  const mongo = new MongoClient(MONGODB_URL, { maxPoolSize: 1, serverSelectionTimeoutMS: 5000 });
  await Promise.all([pg.connect(), redis.connect(), mongo.connect()]);
  try {
    await pg.query('CREATE TABLE IF NOT EXISTS visits (id serial PRIMARY KEY, at timestamptz NOT NULL DEFAULT now())');
    const { rows } = await pg.query('INSERT INTO visits DEFAULT VALUES RETURNING id');
    const hits = await redis.incr('visits');
    const visits = mongo.db('app').collection('visits');
    await visits.insertOne({ pg: rows[0].id, redis: hits, at: new Date() });
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ pg: rows[0].id, redis: hits, mongo: await visits.countDocuments() }));
  } finally {
    await Promise.all([pg.end(), redis.quit(), mongo.close()]);
  }
};
