// res.writeHead(status, reason, headers): the reason phrase goes on the HTTP/1.1 status line, as in Node.
// expect-status: 418
// expect-reason: Short And Stout
// expect-header: x-teapot: yes
// expect-body: tea
res.writeHead(418, 'Short And Stout', { 'x-teapot': 'yes' });
res.end('tea');
