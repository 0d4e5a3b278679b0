// A CommonJS TypeScript consumer (`require("sealed-onnx")` resolves to index.cjs and its
// types, index.d.cts): a promise-based loadModel, and load() for the whole ES module.
import sealedOnnx = require("sealed-onnx");

async function commonJs(bytes: Uint8Array, publicKey: string): Promise<string | undefined> {
  await sealedOnnx.preload();
  const model = await sealedOnnx.loadModel(bytes, { publicKey });
  const { fromCsv, SchemaError } = await sealedOnnx.load();
  const p = await model.predict(fromCsv("a\n1\n"));
  const isError: boolean = new SchemaError("x") instanceof Error;
  void isError;
  // @ts-expect-error — loadModel is asynchronous: no model without await
  const info = sealedOnnx.loadModel(bytes, { publicKey }).info;
  void info;
  return p[0]?.label;
}
void commonJs;
