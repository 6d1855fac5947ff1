// Attacker: never answers; one far-off timer keeps the request open until the platform's time limit.
setTimeout(() => {}, 3600000);
