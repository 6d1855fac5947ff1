// Awaits a fetch of ?url=U and lets its rejection escape.
const url = decodeURIComponent(/[?&]url=([^&]*)/.exec(req.url)[1]);
const response = await fetch(url);
res.end(await response.text());
