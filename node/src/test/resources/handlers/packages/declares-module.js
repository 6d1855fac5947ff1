// A handler body may still declare its own module, exports, __filename and __dirname.
const module = { name: 'mine' };
let exports = 1;
const __filename = 'f';
res.end(module.name + exports + __filename);
