// fetch(url) then text().
// request-header: x-upstream: ${base}
// expect-status: 200
// expect-body: upstream says hi
const upstream = await fetch(req.headers['x-upstream'] + '/upstream/text');
res.end(await upstream.text());
