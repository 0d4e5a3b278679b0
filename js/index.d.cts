// Types for `require("sealed-onnx")` (CommonJS): loadModel, and load() for the whole ES module.
import type * as SealedOnnx from "./index.js";

/** The ES module itself: every export (loadModel, fromCsv, the error classes). */
export declare function load(): Promise<typeof SealedOnnx>;
/** Same as the ES module's `loadModel`. */
export declare const loadModel: typeof SealedOnnx.loadModel;
/** Same as the ES module's `preload`. */
export declare const preload: typeof SealedOnnx.preload;
