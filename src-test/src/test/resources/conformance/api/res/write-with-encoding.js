// res.write(string, encoding) and end(string, encoding).
// expect-status: 200
// expect-body: hello world
res.write('68656c6c6f', 'hex');
res.write(' ');
res.end('d29ybGQ=', 'base64');
