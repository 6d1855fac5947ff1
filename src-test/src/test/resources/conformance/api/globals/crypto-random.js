// crypto.randomUUID (v4) and crypto.getRandomValues (fills and returns the same array).
// expect-status: 200
// expect-body-matches: [0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}[|]same=true[|]nonzero=true[|]distinct=true
const array = new Uint8Array(32);
const returned = crypto.getRandomValues(array);
res.end(`${crypto.randomUUID()}|same=${returned === array}|nonzero=${array.some((b) => b !== 0)}`
  + `|distinct=${crypto.randomUUID() !== crypto.randomUUID()}`);
