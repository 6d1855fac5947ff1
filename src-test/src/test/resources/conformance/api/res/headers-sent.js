// res.headersSent turns true with the first write; setHeader afterwards throws; writableEnded after end.
// expect-status: 200
// expect-body: before=false afterWrite=true setHeaderThrew=true ended=false
const before = res.headersSent;
res.write('');
const afterWrite = res.headersSent;
let threw = false;
try { res.setHeader('x-late', '1'); } catch (e) { threw = e instanceof Error; }
res.end(`before=${before} afterWrite=${afterWrite} setHeaderThrew=${threw} ended=${res.writableEnded}`);
