// res.statusCode: the status sent when the response ends (default 200).
// expect-status: 201
// expect-body: created
res.statusCode = 201;
res.end('created');
