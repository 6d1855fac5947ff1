// Non-string header values: numbers, booleans, arrays (of numbers), objects.
res.setHeader('x-number', 42);
res.setHeader('x-float', 1.5);
res.setHeader('x-boolean', true);
res.setHeader('x-array', [1, 'two']);
res.setHeader('x-object', { a: 1 });
res.writeHead(200, { 'x-head-number': 7 });
res.end('values');
