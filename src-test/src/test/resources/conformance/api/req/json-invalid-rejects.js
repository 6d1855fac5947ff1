// await req.json() rejects on invalid JSON; the handler can catch it.
// request-method: POST
// request-body: {not json
// expect-status: 400
// expect-body: rejected with SyntaxError
try {
  await req.json();
  res.end('parsed?');
} catch (e) {
  res.statusCode = 400;
  res.end(`rejected with ${e.name}`);
}
