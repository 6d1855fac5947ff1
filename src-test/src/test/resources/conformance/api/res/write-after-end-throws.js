// res.write after end() throws an Error (observed in the node's log: the response is already complete).
// expect-status: 200
// expect-body: done
// expect-log: write-after-end threw Error
res.end('done');
try {
  res.write('more');
  console.log('write-after-end did not throw');
} catch (e) {
  console.log('write-after-end threw ' + e.name + ': ' + e.message);
}
