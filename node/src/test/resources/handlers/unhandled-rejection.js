setTimeout(() => {}, 100000);
Promise.reject(new Error('nobody handles this'));
