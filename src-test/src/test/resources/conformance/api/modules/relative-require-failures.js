// A relative module that cannot be fetched fails only when require runs, with an Error naming the cause, which the
// handler may catch; a computed specifier is not prefetched and throws.
// expect-status: 200
// expect-body: missing:MODULE_NOT_FOUND:true|computed:true
const out = [];
try { require('./lib/not-there.js'); out.push('missing:loaded?'); } catch (e) {
  out.push(`missing:${e.code}:${e.message.includes('not-there.js')}`);
}
const name = 'punctuation';
try { require('./lib/' + name); out.push('computed:loaded?'); } catch (e) { out.push(`computed:${e.message.includes('literal')}`); }
res.end(out.join('|'));
