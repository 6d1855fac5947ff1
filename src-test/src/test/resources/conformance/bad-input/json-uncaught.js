// req.json() of invalid JSON, not caught.
const body = await req.json();
res.end(JSON.stringify(body));
