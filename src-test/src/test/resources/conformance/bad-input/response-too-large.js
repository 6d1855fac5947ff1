// A 2 MiB body: over renga.sandbox.max-response-size (1 MiB by default).
res.end('x'.repeat(2 * 1024 * 1024));
