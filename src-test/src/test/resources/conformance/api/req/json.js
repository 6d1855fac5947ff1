// await req.json(): the body parsed as JSON.
// request-method: POST
// request-header: content-type: application/json
// request-body: {"items":[1,2,3],"name":"n"}
// expect-status: 200
// expect-header: content-type: application/json
// expect-body: {"count":3,"name":"n"}
const body = await req.json();
res.setHeader('content-type', 'application/json');
res.end(JSON.stringify({ count: body.items.length, name: body.name }));
