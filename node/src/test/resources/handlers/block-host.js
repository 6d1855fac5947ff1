// Needs renga.sandbox.test-capabilities: blocks this JS thread in host code for a minute.
__rengaBlockHost(60000);
res.end('unreachable');
