// The npm package as the page uses it: installed by www/build.mjs (packed from js/, as
// `npm install` would) and imported by its path. A bare `import "sealed-onnx"` would need an
// import map, and an inline import map is an inline script, which the page's CSP
// (`script-src 'self' 'wasm-unsafe-eval'`, see serve.mjs) refuses; browsers do not load
// import maps from files. With a bundler (Vite, tested in pkg-tests/vite/) the bare name works.
export * from "../node_modules/sealed-onnx/index.js";
// The rule that turns a form field or CSV cell into a feature's value, as the package's own
// fromCsv applies it (one rule for the page and the package).
export { fromText } from "../node_modules/sealed-onnx/csv.js";
