// DESIGN §5: no host access: no Java, Packages, Polyglot, load; process.exit refuses (ERR_RENGA_UNSUPPORTED); process.env
// is empty outside every tenant entry.
// expect-status: 200
// expect-body: Java=undefined Packages=undefined Polyglot=undefined load=undefined exit=ERR_RENGA_UNSUPPORTED env=0
let exit;
try { process.exit(0); exit = 'returned'; } catch (e) { exit = e.code; }
res.end(`Java=${typeof Java} Packages=${typeof Packages} Polyglot=${typeof Polyglot} load=${typeof load}`
  + ` exit=${exit} env=${Object.keys(process.env).length}`);
