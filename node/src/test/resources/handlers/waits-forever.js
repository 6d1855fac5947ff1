setInterval(() => {}, 50);
