// Fetches ?url=U (with ?redirect=MODE) and reports the response, or the error and whether it could be caught.
const param = (name) => { const m = new RegExp('[?&]' + name + '=([^&]*)').exec(req.url); return m && decodeURIComponent(m[1]); };
try {
  const response = await fetch(param('url'), { redirect: param('redirect') || 'follow' });
  res.end(JSON.stringify({
    status: response.status, redirected: response.redirected, url: response.url,
    location: response.headers.get('location'), text: await response.text(),
  }));
} catch (e) {
  res.end(JSON.stringify({ error: e.message, name: e.name, code: e.code, isTypeError: e instanceof TypeError }));
}
