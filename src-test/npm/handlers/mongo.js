// MongoDB through the unmodified `mongodb` driver (6.x): inserts a todo when the request names one, marks "first"
// done, and lists them all.
const { MongoClient } = require('mongodb');

module.exports = async (req, res) => {
  const { port, name } = await req.json();
  const client = new MongoClient('mongodb://127.0.0.1:' + port + '/', {
    directConnection: true, serverSelectionTimeoutMS: 5000, maxPoolSize: 1,
  });
  await client.connect();
  try {
    const todos = client.db('renga').collection('todos');
    if (name) await todos.insertOne({ name, done: false, at: new Date() });
    await todos.updateMany({ name: 'first' }, { $set: { done: true } });
    const all = await todos.find({}, { projection: { _id: 0, name: 1, done: 1 } }).sort({ name: 1 }).toArray();
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ all, count: await todos.countDocuments() }));
  } finally {
    await client.close();
  }
};
