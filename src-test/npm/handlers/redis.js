// Redis through the unmodified `ioredis` package: counts calls under a key and keeps the last note. With
// x-leave-open: yes it answers without closing its connection (Renga closes it when the request ends).
const Redis = require('ioredis');

module.exports = async (req, res) => {
  const { port, key } = await req.json();
  const redis = new Redis({ host: '127.0.0.1', port, lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => null });
  await redis.connect();
  const count = await redis.incr(key);
  await redis.set(key + ':last', req.headers['x-note'] || 'none');
  const [last, type] = await Promise.all([redis.get(key + ':last'), redis.type(key)]);
  if (req.headers['x-leave-open'] !== 'yes') await redis.quit();
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify({ count, last, type }));
};
