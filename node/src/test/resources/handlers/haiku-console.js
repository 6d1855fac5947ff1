// haiku-http's console sample, statement for statement: x-haiku-console returns what haiku-http's own tests expect.
console.log('Before writeHead');
res.writeHead(200);
console.log('After writeHead and before write');
res.write('Hello, ');
console.log('After write and before end');
res.end('world!\n');
console.log('After end');
