const seen = { global: typeof globalThis.leftBehind, proto: typeof ({}).polluted };
globalThis.leftBehind = 'tenant A was here';
Object.prototype.polluted = 'yes';
res.end(JSON.stringify(seen));
