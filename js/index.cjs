// sealed-onnx for CommonJS (`require("sealed-onnx")`). The package is ES modules; this entry
// gives `require` callers the same API through promises:
//
//   const { loadModel } = require("sealed-onnx");
//   const model = await loadModel(bytes, { publicKey });          // inside an async function
//   const { fromCsv, SchemaError } = await require("sealed-onnx").load(); // everything else
//
// Or use the package as ESM: `import { loadModel } from "sealed-onnx"` in a .mjs file, or in
// a project whose package.json says "type": "module".
"use strict";

/** The ES module itself (every export: loadModel, fromCsv, the error classes). */
function load() {
  return import("./index.js");
}

/** Same as the ES module's `loadModel`. */
async function loadModel(source, options) {
  return (await load()).loadModel(source, options);
}

/** Same as the ES module's `preload`. */
async function preload() {
  return (await load()).preload();
}

module.exports = { load, loadModel, preload };
