// await req.arrayBuffer(): the body's bytes.
// request-method: POST
// request-body: héllo
// expect-status: 200
// expect-body: 6 68c3a96c6c6f
const bytes = await req.arrayBuffer();
res.end(`${bytes.byteLength} ${Buffer.from(bytes).toString('hex')}`);
