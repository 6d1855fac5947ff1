// A status that allows no body (204, 304, 1xx) goes out without one: what the handler wrote is dropped, as in Node.
// expect-status: 204
// expect-header-absent: content-type
res.setHeader('content-type', 'text/plain');
res.statusCode = 204;
res.end('dropped');
