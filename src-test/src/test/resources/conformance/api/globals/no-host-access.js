// DESIGN §5: no host access: no Java, Packages, Polyglot, load, process.exit; process.env is empty.
// expect-status: 200
// expect-body: Java=undefined Packages=undefined Polyglot=undefined load=undefined exit=undefined env=0
res.end(`Java=${typeof Java} Packages=${typeof Packages} Polyglot=${typeof Polyglot} load=${typeof load}`
  + ` exit=${typeof process.exit} env=${Object.keys(process.env).length}`);
