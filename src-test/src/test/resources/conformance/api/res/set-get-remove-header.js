// res.setHeader / getHeader / hasHeader / removeHeader / getHeaderNames.
// expect-status: 200
// expect-header: x-kept: 1
// expect-header-contains: content-type: text/plain
// expect-header-absent: x-removed
// expect-body: get=1 has=true removed=false names=x-kept,x-removed,content-type
res.setHeader('X-Kept', '1');
res.setHeader('x-removed', 'gone');
res.setHeader('Content-Type', 'text/plain; charset=utf-8');
const names = res.getHeaderNames().join(',');
res.removeHeader('X-Removed');
res.end(`get=${res.getHeader('x-kept')} has=${res.hasHeader('x-kept')} removed=${res.hasHeader('x-removed')} names=${names}`);
