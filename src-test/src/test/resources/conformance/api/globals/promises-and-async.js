// Promise, async functions and await (the handler is the body of an async function).
// expect-status: 200
// expect-body: 6 all:1,2,3 settled:fulfilled,rejected
const sleep = (ms, v) => new Promise((resolve) => setTimeout(() => resolve(v), ms));
async function add(a, b) { await sleep(5); return a + b; }
const sum = await add(await add(1, 2), 3);
const all = await Promise.all([sleep(10, 1), sleep(5, 2), 3]);
const settled = await Promise.allSettled([Promise.resolve(1), Promise.reject(new Error('x'))]);
res.end(`${sum} all:${all} settled:${settled.map((s) => s.status)}`);
