// Reports the request body it got: its length as text (UTF-16 units), whether it has U+FFFD, and its byte count.
const text = await req.text();
const bytes = await req.arrayBuffer();
res.setHeader('content-type', 'application/json');
res.end(JSON.stringify({ length: text.length, replacement: text.includes('\uFFFD'), bytes: bytes.byteLength }));
