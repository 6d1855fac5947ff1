// Writes after end(), uncaught: the response was already complete.
res.end('done');
res.write('more');
