// What one request leaves behind must be invisible to the next (each write is refused under isolation `scope`).
const seen = { global: typeof globalThis.leftBehind, proto: typeof ({}).polluted };
try { globalThis.leftBehind = 'tenant A was here'; } catch (e) { if (!(e instanceof TypeError)) throw e; }
try { Object.prototype.polluted = 'yes'; } catch (e) { if (!(e instanceof TypeError)) throw e; }
res.end(JSON.stringify(seen));
