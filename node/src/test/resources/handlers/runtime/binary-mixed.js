// Mixes strings and bytes in one response; reads the body as text and as an ArrayBuffer.
const text = await req.text();
const buffer = await req.arrayBuffer();
res.write('text:' + text + ';');
res.write(Buffer.from([0xff, 0x00, 0xfe]));
res.write('6869', 'hex');
res.end(';bytes:' + buffer.byteLength);
