// The shape of an esbuild --platform=node --bundle output: CommonJS at the top level, the entry assigning
// module.exports; Renga calls it with req and res after the file's body has run.
var __getOwnPropNames = Object.getOwnPropertyNames;
var __commonJS = (cb, mod) => function __require() {
  return mod || (0, cb[__getOwnPropNames(cb)[0]])((mod = { exports: {} }).exports, mod), mod.exports;
};
var require_greet = __commonJS({
  "node_modules/greet/index.js"(exports2, module2) {
    module2.exports = (name) => "hello " + name;
  }
});
var greet = require_greet();
var { EventEmitter } = require("node:events");
var calls = 0;
module.exports = async (req, res) => {
  calls++;
  const emitter = new EventEmitter();
  emitter.on("done", (text) => res.end(JSON.stringify({
    text, calls, global: global === globalThis, filename: __filename.endsWith("/bundle-exports.js"),
    dirname: __filename.startsWith(__dirname + "/"), exportsIsModuleExports: typeof exports === "object",
  })));
  await new Promise((resolve) => setImmediate(resolve));
  emitter.emit("done", greet(req.method));
};
