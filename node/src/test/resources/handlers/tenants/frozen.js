// Says whether its realm is frozen (isolation scope) or not (isolation context).
res.end(JSON.stringify([Object.isFrozen(Array.prototype), Object.isFrozen(globalThis), Object.isFrozen(Object.prototype), Object.isFrozen(Array), Object.isExtensible(Array.prototype)]));
