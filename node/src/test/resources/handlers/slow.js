setTimeout(() => res.end('slow done\n'), 1500);
