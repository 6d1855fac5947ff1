// A header name with a space, set without catching, then end().
res.setHeader('bad header', 'x');
res.end('sent anyway?');
