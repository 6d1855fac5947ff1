// Bytes are sent as they are (not re-encoded as text).
// expect-status: 200
// expect-header: content-type: application/octet-stream
// expect-header: content-length: 4
res.setHeader('content-type', 'application/octet-stream');
res.end(Buffer.from([0x00, 0x01, 0xfe, 0xff]));
