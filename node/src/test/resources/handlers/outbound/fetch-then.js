// Returns at once; only a pending fetch remains, and it ends the response later.
const url = decodeURIComponent(/[?&]url=([^&]*)/.exec(req.url)[1]);
fetch(url).then((r) => r.text()).then((text) => res.end('later: ' + text));
