// WHATWG URL: relative references resolve against a base with a non-special scheme and a path.
// expect-status: 200
// expect-body: foo://host/a/c|foo:///x/z|foo:/x/z
const attempt = (to, base) => { try { return new URL(to, base).href; } catch (e) { return `${e.name}: ${e.message}`; } };
res.end([attempt('c', 'foo://host/a/b'), attempt('z', 'foo:///x/y'), attempt('z', 'foo:/x/y')].join('|'));
