// TextEncoder / TextDecoder (UTF-8).
// expect-status: 200
// expect-body: 226,156,147|✓|true
const bytes = new TextEncoder().encode('✓');
const back = new TextDecoder().decode(bytes);
res.end(`${Array.from(bytes)}|${back}|${bytes instanceof Uint8Array}`);
