// A TypeScript consumer of the packed package: every API with the types a user relies on.
// `tsc --noEmit` must pass (types.test.mjs runs it in a throwaway project); the
// `@ts-expect-error` lines prove that wrong usage is rejected.

import {
  CsvTable,
  fromCsv,
  loadModel,
  preload,
  ModelError,
  SchemaError,
  VerificationError,
  type BatchPrediction,
  type ClusterPrediction,
  type OutputsInfo,
  type Task,
  type DriftReport,
  type Feature,
  type FeatureDrift,
  type FeatureType,
  type IssueCode,
  type UnknownTokenDrift,
  type Issue,
  type LoadOptions,
  type LoadProgress,
  type Model,
  type ModelInfo,
  type Prediction,
  type PredictionRecord,
  type SelfTestResult,
  type AnyLoadOptions,
  type TypedInput,
  type VerificationCheck,
  type WorkerLoadOptions,
  type WorkerModel,
} from "sealed-onnx";

declare const publicKey: string;
declare const bytes: Uint8Array;
declare const file: Blob;

const setosa = { sepal_length: 5.1, sepal_width: 3.5, petal_length: 1.4, petal_width: 0.2 };

export async function mainThread(): Promise<void> {
  const audit: PredictionRecord[] = [];
  const progress: LoadProgress[] = [];
  const controller = new AbortController();
  const options: LoadOptions = {
    publicKey,
    integrity: "sha256-tNmwqMB9i6gyWDFtz7vChJf9L5K+DM1p+U2A0UoSzcU=",
    onProgress: (p) => progress.push(p),
    cache: true,
    signal: controller.signal,
    onPrediction: (r) => audit.push(r),
  };
  const warm: Promise<void> = preload();
  await warm;
  const model: Model = await loadModel("/models/iris-1.0.0.sonnx", options);
  const fromUrl: Model = await loadModel(new URL("https://example.org/iris.sonnx"), { publicKey });
  const fromBytes: Model = await loadModel(bytes, { allowUnverified: true });
  const fromBuffer: Model = await loadModel(new ArrayBuffer(8), { integrity: "sha256-…" });
  const fromBlob: Model = await loadModel(file, { publicKey, worker: false });
  const byChannel: Model = await loadModel("https://host/models/iris", { channel: "prod", publicKey, cache: true });
  const resolved: string | undefined = byChannel.info.registry?.version;
  const seq: number | undefined = byChannel.info.registry?.sequence;
  void [resolved, seq];
  const again: Model = await loadModel("https://host/models/iris", { channel: "prod", publicKey, minSequence: seq ?? 0 });
  const fromMajor: number | undefined = again.info.migration?.from_major;
  const oldName: string | undefined = again.info.migration?.features["petal_len"]?.from;
  const migratedRows: Uint8Array | undefined = (await again.predictBatch([{ petal_length: 1 }])).migrated?.rows;
  const wasMigrated: number | undefined = (await again.predict({ petal_length: 1 })).migrated?.from_major;
  void [fromMajor, oldName, migratedRows, wasMigrated];
  // @ts-expect-error: not a channel
  await loadModel("https://host/models/iris", { channel: "beta", publicKey });

  const info: Readonly<ModelInfo> = model.info;
  const names: string[] = info.schema.map((f: Feature) => f.name);
  const where: "network" | "cache" | "file" | "bytes" = info.source;
  const signer: string | null = info.signer;
  const verified: boolean = info.verified && info.integrityChecked;
  const tests: number = info.testVectors.passed + info.testVectors.total;
  const description: string = info.card.description;
  const framework: string = info.training.framework.name + info.training.converter.version;
  const task: Task = info.outputs.task;
  void [names, where, signer, verified, tests, description, framework, task];

  const one: Prediction = await model.predict(setosa);
  const label: string | undefined = one.label;
  const p: number | undefined = one.probabilities?.["setosa"];
  const stamp: string = one.model.name + one.model.version + one.model.digest;
  const trusted: boolean = one.model.verified && audit.every((r) => r.verified);
  const csv: CsvTable = fromCsv("sepal_length,sepal_width,petal_length,petal_width\n5.1,3.5,1.4,0.2\n");
  const fromText: Prediction[] = await model.predict(csv);
  const { records, rows, issues: csvIssues, ignored, missing } = csv.records(model.info.schema);
  const csvProblems: Issue[] = model.validate(csv);
  const examples: number = info.testVectors.inputs.length;
  const graph: VerificationCheck = "graph";
  void [trusted, fromText, records, rows, csvIssues, ignored, missing, csvProblems, examples, graph];
  const many: Prediction[] = await model.predict([setosa, setosa]);
  const columns: Prediction[] = await model.predict({ sepal_length: [5.1], petal_width: new Float64Array([0.2]) });
  const typed: TypedInput = { data: new Float32Array(8), rows: 2 };
  const fast: Prediction[] = await model.predict(typed);
  const value: number | undefined = many[0]?.value;
  void [label, p, stamp, columns, fast, value];
  const batch: BatchPrediction = await model.predictBatch(typed);
  const labels: string[] | undefined = batch.labels;
  const index: Uint32Array | undefined = batch.labelIndex;
  const proba: Float64Array | undefined = batch.probabilities;
  const values: Float64Array | undefined = batch.values;
  const asObjects: Prediction[] = batch.toObjects();
  const batchOf: number = (await model.predictBatch(setosa)).rows + batch.model.version.length;
  // @ts-expect-error — a batch's probabilities are one typed array, not a map per row
  const perRow: Record<string, number> = batch.probabilities;
  void [labels, index, proba, values, asObjects, batchOf, perRow];

  const issues: Issue[] = model.validate([setosa, { sepal_length: "5.1" }]);
  const paths: string[] = issues.map((i) => `${i.path} ${i.code}: expected ${i.expected}, received ${i.received}`);
  const drift: DriftReport = model.drift([setosa]);
  const first: FeatureDrift | undefined = drift[0];
  const psi: number | null | undefined = first?.psi;
  const level: "none" | "moderate" | "significant" | undefined = first?.level;
  const significantFrom: number | undefined = first?.thresholds.significant;
  const self: SelfTestResult = await model.selfTest();
  void [paths, psi, level, significantFrom, self.passed === self.total];

  try {
    await model.predict({ petal_width: -1 });
  } catch (e) {
    if (e instanceof SchemaError) {
      const list: Issue[] = e.issues;
      void list;
    } else if (e instanceof VerificationError) {
      const check: VerificationCheck = e.check;
      void check;
    } else if (e instanceof ModelError) {
      const message: string = e.message;
      void message;
    }
  }
  const errors: Error[] = [new SchemaError("x", []), new VerificationError("x", "signature"), new ModelError("x")];
  void errors;

  for (const m of [model, fromUrl, fromBytes, fromBuffer, fromBlob]) m.dispose();
  void audit[0]?.confidence;
  void progress[0]?.total;

  // @ts-expect-error — validate takes an input
  model.validate();
  // @ts-expect-error — predictions of a batch are an array, not one prediction
  const wrong: Prediction = await model.predict([setosa]);
  // @ts-expect-error — not a verification check
  const check: VerificationCheck = "checksum";
  // @ts-expect-error — a number is not a bundle source
  await loadModel(42);
  // @ts-expect-error — fromCsv takes the CSV text
  fromCsv(new Uint8Array(4));
  // @ts-expect-error — onProgress receives an object
  await loadModel(bytes, { onProgress: (loaded: string) => loaded.length });
  // @ts-expect-error — a record's values are numbers, strings, booleans or null
  await model.predict({ sepal_length: new Date() });
  void [wrong, check];
}

export async function inAWorker(): Promise<void> {
  const model: WorkerModel = await loadModel("/models/iris-1.0.0.sonnx", { publicKey, worker: true });
  const options: WorkerLoadOptions = { integrity: "sha256-…", worker: true, cache: true };
  const cached: WorkerModel = await loadModel("/models/iris-1.0.0.sonnx", options);
  cached.dispose();
  const one: Prediction = await model.predict(setosa);
  const many: Prediction[] = await model.predict([setosa]);
  const batch: BatchPrediction = await model.predictBatch([setosa]);
  void batch;
  const issues: Issue[] = await model.validate([setosa]);
  const drift: DriftReport = await model.drift([setosa]);
  const self: SelfTestResult = await model.selfTest();
  void [one, many, issues, drift, self];
  model.dispose();

  // @ts-expect-error — in a worker, validate returns a Promise
  const sync: Issue[] = model.validate([setosa]);
  // @ts-expect-error — in a worker, drift returns a Promise
  const report: DriftReport = model.drift([setosa]);
  // @ts-expect-error — a worker model is not a main-thread Model
  const main: Model = await loadModel(bytes, { worker: true });
  void [sync, report, main];
}

export async function either(worker: boolean): Promise<void> {
  const model: Model | WorkerModel = await loadModel(bytes, { publicKey, worker });
  const options: AnyLoadOptions = { publicKey, worker };
  const again: Model | WorkerModel = await loadModel(bytes, options);
  again.dispose();
  const issues: Issue[] = await model.validate([setosa]);
  void issues;
}

export async function outputKinds(): Promise<void> {
  // The task a caller expects types predict's results; without it, every part is optional.
  const kmeans = await loadModel<"clustering">("/models/kmeans-1.0.0.sonnx", { publicKey });
  const c: ClusterPrediction = await kmeans.predict(setosa);
  const cluster: number = c.cluster;
  const distances: number[] | undefined = c.distances;
  const batch = await kmeans.predictBatch([setosa]);
  const clusters: Uint32Array = batch.clusters;
  const k: number = batch.clusterCount;
  void [cluster, distances, clusters, k];
  // @ts-expect-error — a cluster index is a number, not a class name
  const asName: string = c.cluster;
  void asName;

  const pca = await loadModel<"transform">("/models/pca-1.0.0.sonnx", { publicKey });
  const vector: number[] = (await pca.predict(setosa)).vector;
  const vectors: Float64Array = (await pca.predictBatch([setosa])).vectors;
  void [vector, vectors];

  // A model of unknown task: the batch is a union discriminated by `task`.
  const any: Model = await loadModel("/models/any.sonnx", { publicKey });
  const b: BatchPrediction = await any.predictBatch([setosa]);
  switch (b.task) {
    case "classification": {
      const labels: string[] = b.labels;
      void labels;
      break;
    }
    case "regression": {
      const values: Float64Array = b.values;
      const names: string[] | undefined = b.valueNames;
      void [values, names];
      break;
    }
    case "transform": {
      const d: number = b.dimension;
      void d;
      break;
    }
    case "clustering": {
      const idx: Uint32Array = b.clusters;
      void idx;
      break;
    }
    case "outlier": {
      const flags: Uint8Array | undefined = b.outliers;
      const scores: Float64Array | undefined = b.scores;
      void [flags, scores];
      break;
    }
  }
  const p: Prediction = await any.predict(setosa);
  const outlier: boolean | undefined = p.outlier;
  const values: Record<string, number> | undefined = p.values;
  const outputs: OutputsInfo = any.info.outputs;
  const task: Task = outputs.task;
  const dimension: number | undefined = outputs.dimension;
  void [outlier, values, task, dimension];
  // @ts-expect-error — not a task
  const wrongTask: Task = "ranking";
  void wrongTask;
}

// A text feature (a TF-IDF pipeline's input): its max_length, too_long issues, and the
// unknown-token rate beside the length PSI in drift.
async function textModel(bytes: Uint8Array): Promise<void> {
  const model: Model = await loadModel(bytes, { allowUnverified: true });
  const review: Feature | undefined = model.info.schema.find((f) => f.type === "text");
  const type: FeatureType = "text";
  const maxLength: number | undefined = review?.max_length;
  const issues: Issue[] = model.validate({ review: "x".repeat((maxLength ?? 0) + 1) });
  const tooLong: IssueCode = "too_long";
  const flagged: boolean = issues.some((i) => i.code === tooLong);
  const report: DriftReport = model.drift([{ review: "good match" }]);
  const tokens: UnknownTokenDrift | undefined = report[0]?.unknown_tokens;
  const rate: number | undefined = tokens?.rate;
  const baselineRate: number | undefined = tokens?.baseline_rate;
  const counts: [number, number] | undefined = tokens && [tokens.tokens, tokens.unknown];
  const tokenLevel: "none" | "moderate" | "significant" | undefined = tokens?.level;
  void [type, flagged, rate, baselineRate, counts, tokenLevel];
  // @ts-expect-error — max_length is a number of characters
  const wrongLength: string | undefined = review?.max_length;
  // @ts-expect-error — not a feature type
  const wrongType: FeatureType = "document";
  void [wrongLength, wrongType];
}
void textModel;
