// A request without a body still gets 'end' (and no 'data').
// expect-status: 200
// expect-body: data=0 end
let data = 0;
req.on('data', () => data++);
req.on('end', () => res.end(`data=${data} end`));
