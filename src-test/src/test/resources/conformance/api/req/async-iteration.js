// for await (const chunk of req): Buffer chunks.
// request-method: POST
// request-body: iterated body
// expect-status: 200
// expect-body: buffers=true iterated body
const chunks = [];
for await (const chunk of req) chunks.push(chunk);
res.end(`buffers=${chunks.every((c) => Buffer.isBuffer(c))} ${Buffer.concat(chunks).toString()}`);
