const chunks = [];
req.setEncoding('utf8');
req.on('data', (chunk) => chunks.push(chunk));
req.on('end', () => {
  res.writeHead(201, 'Made', ['x-a', '1', 'x-b', '2']);
  res.end(chunks.join('') + '|' + req.headers['content-type']);
});
