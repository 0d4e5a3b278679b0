// sealed-onnx's module Web Worker (`loadModel(url, { worker: true })`): holds one model in
// its own WebAssembly instance and answers the main thread's requests by id. Inputs arrive
// already reduced to plain data by the main thread.

import { LocalModel, errorToData, initWasm, revive } from "./core.js";

let model;

function handle(op, args) {
  if (op === "dispose") {
    if (model) model.dispose();
    model = undefined;
    return undefined;
  }
  if (!model) throw new Error("no model is loaded in this worker");
  switch (op) {
    case "predict":
      return model.predictJson(args.opaque ? revive(args.input) : args.input);
    case "predictTyped":
      return model.predictTypedJson(args.data, args.rows);
    case "predictColumns":
      return model.predictColumns(args.opaque ? revive(args.input) : args.input);
    case "predictColumnsTyped":
      return model.predictColumns({ data: args.data, rows: args.rows });
    case "validate":
      return model.validate(args.opaque ? revive(args.input) : args.input);
    case "validateTyped":
      return model.validateTyped(args.data, args.rows);
    case "drift":
      return model.drift(args.opaque ? revive(args.input) : args.input);
    case "driftTyped":
      return model.driftTyped(args.data, args.rows);
    case "selfTest":
      return model.selfTest();
    case "testPanic":
      return model.testPanic(args.reason);
    default:
      throw new Error(`unknown request ${JSON.stringify(op)}`);
  }
}

self.onmessage = async (event) => {
  const { id, op, args } = event.data || {};
  try {
    if (op === "load") {
      await initWasm();
      if (model) model.dispose();
      model = LocalModel.load(args.bytes, args);
      const value = { info: model.info };
      if (args.returnBytes) {
        value.bytes = args.bytes;
        self.postMessage({ id, ok: true, value }, [args.bytes.buffer]);
      } else {
        self.postMessage({ id, ok: true, value });
      }
      return;
    }
    self.postMessage({ id, ok: true, value: handle(op, args) });
  } catch (e) {
    self.postMessage({ id, ok: false, error: errorToData(e) });
  }
};
