// A header value carrying CRLF and a second header, set without catching.
res.setHeader('x-b', 'a\r\nInjected-Value: yes');
res.end('injected?');
