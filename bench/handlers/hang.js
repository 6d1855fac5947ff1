// Attacker: never answers, but keeps a timer alive so the request stays open until the platform's time limit.
setInterval(() => {}, 1000);
