// await req.text(): the body as UTF-8.
// request-method: POST
// request-body: grüße, 世界
// expect-status: 200
// expect-body: 9:grüße, 世界
const text = await req.text();
res.end(`${text.length}:${text}`);
