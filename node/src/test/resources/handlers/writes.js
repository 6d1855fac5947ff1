// Writes twice and ends in the same turn: one whole response, not a stream.
res.write('first\n');
res.write('second\n');
res.end();
