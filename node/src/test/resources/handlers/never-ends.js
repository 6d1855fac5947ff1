res.write('started but never ended');
