// Never answers: holds its request until the time limit with one far-away timer.
setTimeout(() => {}, 3600000);
