console.log('hello from the handler', { n: 1 });
res.end('logged');
