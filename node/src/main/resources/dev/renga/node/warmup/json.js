// Warm-up handler: await the body as JSON, headers, URL parsing, Buffer, a timer and a promise chain.
const input = await req.json();
const url = new URL(req.url, 'http://localhost');
await new Promise((resolve) => setTimeout(resolve, 0));
const out = { n: Number(url.searchParams.get('i')), items: input.items.map((x) => x * 2), agent: req.headers['user-agent'] };
res.setHeader('content-type', 'application/json');
res.setHeader('x-digest', Buffer.from(JSON.stringify(out)).toString('base64').slice(0, 16));
res.end(JSON.stringify(out));
