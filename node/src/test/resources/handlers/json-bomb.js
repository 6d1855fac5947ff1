// Parses whatever deeply nested JSON the client sends.
const value = JSON.parse(await req.text());
res.end(typeof value);
