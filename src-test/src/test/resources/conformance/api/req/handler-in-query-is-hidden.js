// DESIGN §4: the handler URL may come as the query parameter x-haiku-handler; the handler does not see it,
// nor x-haiku-console, and the other parameters keep their order.
// request-handler-in: query
// request-path: /q?a=1&x-haiku-console=none&b=2
// expect-status: 200
// expect-body: /q?a=1&b=2
res.end(req.url);
