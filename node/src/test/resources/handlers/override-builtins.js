// A handler that breaks the built-ins Renga's own runtime uses, then answers: its answer must still arrive whole.
// Under isolation `context` each replacement lands (in this request's realm only); under `scope` each is refused.
const broken = () => { throw new Error('broken by the handler'); };
const targets = [
  [Array.prototype, ['push', 'join', 'slice', 'map', 'filter', 'every', 'includes', 'forEach', 'reduce']],
  [Map.prototype, ['get', 'set', 'has', 'delete', 'forEach']],
  [String.prototype, ['toLowerCase', 'split', 'slice', 'startsWith', 'includes']],
  [RegExp.prototype, ['exec', 'test']],
  [Promise.prototype, ['then', 'catch']],
  [Function.prototype, ['call', 'apply', 'bind']],
  [Object, ['keys', 'defineProperty', 'freeze', 'assign']],
  [JSON, ['parse', 'stringify']],
  [Reflect, ['apply']],
  [Uint8Array.prototype, ['set', 'slice']],
];
let replaced = 0;
let refused = 0;
for (let t = 0; t < targets.length; t++) {
  const names = targets[t][1];
  for (let n = 0; n < names.length; n++) {
    try {
      targets[t][0][names[n]] = broken;
      replaced++;
    } catch (e) {
      refused++;
    }
  }
}
res.setHeader('X-Replaced', String(replaced));
res.setHeader('X-Refused', String(refused));
res.writeHead(200, { 'Content-Type': 'text/plain' });
res.write('s');
res.end('et');
