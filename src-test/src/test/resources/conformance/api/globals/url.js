// URL and URLSearchParams (WHATWG).
// expect-status: 200
// expect-body: http://a.example/b/x?y=1#h|a.example|1|q=a+b&r=%26|true|false
const url = new URL('../x?y=1#h', 'http://a.example/b/c/d');
const params = new URLSearchParams();
params.append('q', 'a b');
params.append('r', '&');
res.end([url.href, url.hostname, url.searchParams.get('y'), params.toString(),
  URL.canParse('https://ok.example/'), URL.canParse('not a url')].join('|'));
