await new Promise((resolve) => setTimeout(resolve, 10));
throw new TypeError('failed after a timer');
