// Says whether its realm is frozen (isolation scope) or not (isolation context).
res.end(String(Object.isFrozen(Array.prototype)));
