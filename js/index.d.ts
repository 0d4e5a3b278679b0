// Types for sealed-onnx: verified, schema-checked scikit-learn models (signed ONNX bundles)
// in the browser and Node, via WebAssembly.

// ---------------------------------------------------------------------------------------
// Loading

/** Where a bundle comes from. */
export type BundleSource =
  /** A URL: absolute, or relative to the page in a browser; `file:` URLs in Node. */
  | string
  | URL
  /** The bundle's bytes. */
  | Uint8Array
  | ArrayBuffer
  | ArrayBufferView
  /** A `File` from `<input type="file">`, or any Blob. */
  | Blob;

/** Download progress: `total` is the Content-Length, or `null` when unknown. */
export interface LoadProgress {
  loaded: number;
  total: number | null;
}

/** Options of {@link loadModel}. */
export interface LoadOptions {
  /**
   * The signer's public key (PEM, ECDSA P-256). The bundle's signature must verify with it;
   * the key's fingerprint is then `info.signer`.
   */
  publicKey?: string | Uint8Array | ArrayBuffer;
  /**
   * An SRI string for the whole `.sonnx` file (`sha256-…`, also sha384/sha512), like
   * `<script integrity>`. Checked before anything is parsed.
   */
  integrity?: string;
  /**
   * Load a bundle with neither `publicKey` nor `integrity` (file digests and test vectors are
   * still checked; `info.verified` is `false`). Without it such a load is refused.
   */
  allowUnverified?: boolean;
  /** Called as the bundle downloads (URL sources). */
  onProgress?: (progress: LoadProgress) => void;
  /**
   * Keep the verified bundle in Cache Storage ("sealed-onnx-v1"): network first; when the
   * network fails, the cached bytes are loaded and verified again. Ignored where Cache
   * Storage does not exist (Node) or for non-http(s) URLs.
   */
  cache?: boolean;
  /**
   * `true`: run the model in a module Web Worker, where every method of the model returns a
   * Promise (see {@link WorkerLoadOptions}). Needs Web Workers (a browser); in Node it is a
   * `ModelError`.
   */
  worker?: false;
  /** Cancels the download and the load: the promise rejects with `signal.reason`. */
  signal?: AbortSignal;
  /** Receives an audit record for every prediction (if it throws, `predict` rejects). */
  onPrediction?: (record: PredictionRecord) => void;
  /**
   * Load by channel from a registry folder (`sealed-onnx publish`): the source is the model's
   * folder URL (`https://host/models/iris`), `publicKey` is required. `index.json` is
   * verified, an index older than one seen before is refused (`registry.replay`), the
   * channel is resolved and the bundle checked against the digest the index lists
   * (`registry.digest`). `"current"` is `"prod"`. See `info.registry`.
   */
  channel?: "dev" | "staging" | "prod" | "current";
  /**
   * With `channel`: refuse an index whose sequence is lower than this (`registry.replay`).
   * A page remembers the highest sequence it saw in Cache Storage (with `cache: true`); a
   * Node process only while it runs. To be protected across runs, keep
   * `info.registry.sequence` and pass it here next time.
   */
  minSequence?: number;
}

/** `LoadOptions` with `worker: true`: the model runs in a module Web Worker. */
export interface WorkerLoadOptions extends Omit<LoadOptions, "worker"> {
  worker: true;
}

/** `LoadOptions` where whether to use a worker is only known at run time. */
export interface AnyLoadOptions extends Omit<LoadOptions, "worker"> {
  worker?: boolean;
}

/**
 * Starts fetching and compiling the WebAssembly now (in browsers a streaming compile), so that
 * a later {@link loadModel} does not wait for it; `loadModel` does the same on its own.
 * Resolves when the engine is ready in this thread; rejects with a {@link ModelError} if it
 * cannot load (a later call retries).
 */
export function preload(): Promise<void>;

/**
 * Downloads (or takes) a `.sonnx` bundle, verifies it (integrity, file digests, signature),
 * runs its test vectors, and resolves to a model ready to predict. Rejects with a
 * {@link VerificationError} naming the failed check, a {@link ModelError}, or the signal's
 * abort reason (an `AbortError` DOMException by default).
 */
// `T` is the task the caller expects (`loadModel<"clustering">(…)` types `predict`'s results);
// nothing checks it at run time: compare `model.info.outputs.task` when the bundle is not yours.
export function loadModel<T extends Task = Task>(source: BundleSource, options: WorkerLoadOptions): Promise<WorkerModel<T>>;
export function loadModel<T extends Task = Task>(source: BundleSource, options?: LoadOptions): Promise<Model<T>>;
export function loadModel<T extends Task = Task>(source: BundleSource, options?: AnyLoadOptions): Promise<Model<T> | WorkerModel<T>>;

// ---------------------------------------------------------------------------------------
// What a bundle says about itself

/**
 * `"string"` is a category (from `categories` when listed); `"text"` is free text for a text
 * vectorizer (TF-IDF, counts): any string up to `max_length` characters.
 */
export type FeatureType = "float" | "integer" | "boolean" | "string" | "text";

/** One input feature of the schema, in the model's order. */
export interface Feature {
  name: string;
  type: FeatureType;
  min?: number;
  max?: number;
  /** The allowed strings of a categorical feature. */
  categories?: string[];
  /**
   * The longest accepted text in characters (Unicode code points), for `"text"` features
   * only; a longer one is the issue `too_long`.
   */
  max_length?: number;
  /** Whether `null`/`undefined` is allowed (see `missing` for what it means). */
  nullable: boolean;
  /** What a missing value means. */
  missing?: string;
  unit?: string;
  description?: string;
}

/** The model card. */
export interface ModelCard {
  description: string;
  intended_use: string;
  out_of_scope: string;
  limitations: string;
  fairness: string;
  authors: string[];
  license: string;
  /** Recommended operating ranges by feature name (free text). */
  operating_ranges: Record<string, string>;
}

/** How the model was trained. */
export interface TrainingInfo {
  framework: { name: string; version: string };
  converter: { name: string; version: string };
  /** The training data's sha256 and row count (the data itself never goes in a bundle). */
  data: { sha256: string; rows: number; source?: string };
  git_commit?: string;
  random_seed?: number;
  cv_metric?: { name: string; mean: number; std: number; folds: number };
  hyperparameters: Record<string, unknown>;
}

/**
 * What a model predicts: a class, a value (or one per target), a vector per row (PCA, an
 * embedding), a cluster with the distance to each, or whether a row is an outlier.
 */
export type Task = "classification" | "regression" | "transform" | "clustering" | "outlier";

/** What the model outputs; which fields are set depends on `task`. */
export interface OutputsInfo {
  task: Task;
  /** Class names, in the order of the probabilities (classification). */
  class_names?: string[];
  /** The classes as the training framework labels them (strings or numbers). */
  class_labels?: Array<string | number | boolean>;
  /** Names of the graph outputs used for the label, the probabilities, the value. */
  label?: string;
  probabilities?: string;
  value?: string;
  /** A regression's target names, one per value (several targets). */
  value_names?: string[];
  /** The graph output holding a transform's vectors, and their length. */
  vector?: string;
  dimension?: number;
  /** The graph output holding the distance to each cluster, and the number of clusters. */
  distances?: string;
  clusters?: number;
  /** The graph output holding an outlier detector's score. */
  score?: string;
}

/** `model.info`: the verified bundle's metadata and how it was verified. */
export interface ModelInfo {
  name: string;
  /** Semantic version. */
  version: string;
  /** RFC 3339 timestamp. */
  created: string;
  card: ModelCard;
  /** The input schema: one entry per feature, in order. */
  schema: Feature[];
  outputs: OutputsInfo;
  training: TrainingInfo;
  /** The bundle's identity: SRI sha256 of the whole `.sonnx` file. */
  digest: string;
  /** Fingerprint of the public key the signature verified with, or `null`. */
  signer: string | null;
  /** `true` when a public key or an integrity string anchored the bundle. */
  verified: boolean;
  /** Whether an `integrity` string was given and matched. */
  integrityChecked: boolean;
  /**
   * The embedded test vectors run at load time, and their inputs (valid rows of the schema,
   * usable as example rows).
   */
  testVectors: { passed: number; total: number; inputs: InputRecord[] };
  /** sha256 (hex) of every other entry of the bundle. */
  files: Record<string, string>;
  /** Where the bytes came from. */
  source: "network" | "cache" | "file" | "bytes";
  /** Present when loaded by `channel`: what the signed registry index resolved. */
  registry?: RegistryInfo;
  /**
   * How the bundle accepts its previous major version's inputs (records and columns; CSV
   * tables with the old column names), or `null` without a migration. A result whose input
   * was migrated says so (`migrated`).
   */
  migration: Migration | null;
}

/** A bundle's migration: how inputs of major version `from_major` become this version's. */
export interface Migration {
  from_major: number;
  /**
   * This version's features that old callers send under another name or unit (`from`, then
   * `new = old × scale + offset`), or not at all (`default`), by this version's name.
   */
  features: Record<string, { from?: string; scale?: number; offset?: number; default?: FeatureValue }>;
  /** Features of the old version this one no longer has: accepted from old callers and ignored. */
  removed: string[];
}

/**
 * A registry model folder's index and history, verified with `publicKey` (the index's
 * signature and consistency, every history line's signature, the hash chain and its head).
 * Rejects with a `VerificationError` whose `check` is `registry.index`, `registry.replay`,
 * `registry.channel` or `registry.history`.
 */
export function readRegistry(
  source: string | URL,
  options: {
    publicKey: string | Uint8Array | ArrayBuffer;
    signal?: AbortSignal;
    /** Refuse an index older than this sequence (`registry.replay`), as `LoadOptions.minSequence`. */
    minSequence?: number;
  },
): Promise<Registry>;

/** What `readRegistry` returns. */
export interface Registry {
  /** The folder URL (ends with `/`). */
  url: string;
  name: string;
  sequence: number;
  updated: string;
  /** Fingerprint of the key the index and history verified with. */
  signer: string;
  versions: RegistryVersion[];
  channels: Record<string, { version: string; previous: string[]; updated: string }>;
  /** The version `prod` points at, or `null`. */
  current: string | null;
  history: RegistryEntry[];
}

/** One published version in a registry index. */
export interface RegistryVersion {
  version: string;
  file: string;
  integrity: string;
  size: number;
  created: string;
  published: string;
  /** Interface fingerprint (`sha256:…`): equal fingerprints, no interface change. */
  schema: string;
  metric: { name: string; mean: number; std: number; folds: number } | null;
  test_vectors: number;
  signer: string;
}

/** One signed history entry. */
export interface RegistryEntry {
  seq: number;
  action: "publish" | "promote" | "rollback";
  name: string;
  version: string;
  integrity: string;
  channel: string;
  from: string | null;
  reason: string | null;
  gates: string[];
  signer: string;
  time: string;
  prev: string | null;
}

/** `info.registry`: which registry, channel and version a load by channel resolved. */
export interface RegistryInfo {
  /** The model's folder URL (ends with `/`). */
  url: string;
  name: string;
  /** The channel asked for. */
  channel: string;
  /** The version it resolved to. */
  version: string;
  /** That version's digest as the signed index lists it (equals `info.digest`). */
  integrity: string;
  /** The index's sequence (incremented by every publish, promotion and rollback). */
  sequence: number;
  /** When the index was written (RFC 3339). */
  updated: string;
  /** Fingerprint of the key the index verified with. */
  signer: string;
  /** Where the index came from. */
  index: "network" | "cache" | "file";
  /** Every channel that points at a version, and the version. */
  channels: Record<string, string>;
  /** Every published version, in publishing order. */
  versions: string[];
}

// ---------------------------------------------------------------------------------------
// Inputs and outputs

/** A feature value: numbers, strings, booleans; `null`/`undefined` for missing values. */
export type FeatureValue = number | string | boolean | null | undefined;

/** One row: feature name → value. */
export type InputRecord = Record<string, FeatureValue>;

/** Columns: feature name → values (typed arrays allowed for numeric features). */
export type InputColumns = Record<
  string,
  readonly FeatureValue[] | Float64Array | Float32Array | Int32Array | Uint32Array | Int16Array | Uint16Array | Int8Array | Uint8Array
>;

/** The typed fast path: `rows` rows, row-major, features in schema order. */
export interface TypedInput {
  data: Float64Array | Float32Array;
  rows: number;
}

/** A problem `fromCsv` found while reading a row (the row is kept, and reported). */
export interface CsvProblem {
  /** The line the row starts on (the header is line 1). */
  line: number;
  message: string;
}

/**
 * CSV text read by {@link fromCsv}: header and rows of text cells. `predict`, `validate` and
 * `drift` accept it and convert each cell by its feature's type; columns that are not
 * features (the target, an index) are ignored; a missing column is one issue
 * (`missing_column`), an unreadable row one issue (`csv_row`), a file separated by `;` or
 * tabs one issue (`csv_separator`).
 */
export class CsvTable {
  private constructor();
  readonly header: string[];
  readonly rows: string[][];
  /** The line each row starts on. */
  readonly lines: number[];
  readonly problems: CsvProblem[];
  /** `";"` or `"\t"` when the file looks separated by that instead of commas. */
  readonly separator: ";" | "\t" | null;
  /**
   * The readable rows as records for `schema` (`model.info.schema`); `rows[k]` is the table
   * row of `records[k]`; `issues` are the table's own problems; `ignored` the columns that
   * are not features; `missing` the features without a column.
   */
  records(schema: readonly Feature[]): {
    records: InputRecord[];
    rows: number[];
    issues: Issue[];
    ignored: string[];
    missing: string[];
  };
}

/**
 * Reads CSV text (a header row naming the features, then one row per example):
 * `await model.predict(fromCsv(text))`. Empty cells are missing values.
 */
export function fromCsv(text: string): CsvTable;

/** Anything `predict`, `validate` and `drift` accept. */
export type ModelInput = InputRecord | readonly InputRecord[] | InputColumns | TypedInput | CsvTable;

/** Which model produced a prediction. */
export interface ModelStamp {
  name: string;
  version: string;
  digest: string;
  /** `false` when the bundle was loaded with `allowUnverified` (no key or digest vouched for it). */
  verified: boolean;
}

/**
 * One prediction, every task's parts optional: `label` and `probabilities` for classifiers,
 * `value` (or `values` per target) for regressors, `vector` for transforms, `cluster` and
 * `distances` for clustering, `outlier` and `score` for outlier detection. The task's own
 * type ({@link PredictionOf}) has its parts required.
 */
export interface Prediction {
  label?: string;
  /** Class name → probability. */
  probabilities?: Record<string, number>;
  value?: number;
  /** Target name → value (regression with several targets). */
  values?: Record<string, number>;
  /** The row's vector (transform). */
  vector?: number[];
  /** The cluster index, 0 to `clusters - 1` (clustering). */
  cluster?: number;
  /** Distance to each cluster centre, by cluster index (clustering). */
  distances?: number[];
  /** `true` for an outlier: scikit-learn's label -1 (outlier detection). */
  outlier?: boolean;
  /** The outlier score, scikit-learn's `decision_function`: negative for outliers. */
  score?: number;
  /**
   * Present when the record (or the columns' row) was sent in the previous major version's
   * shape and the bundle's migration turned it into this version's (see `info.migration`).
   */
  migrated?: { from_major: number };
  model: ModelStamp;
}

/** A classifier's prediction. */
export interface ClassPrediction extends Prediction {
  label: string;
}

/** A regressor's prediction: `value`, or `values` for several targets. */
export interface RegressionPrediction extends Prediction {
  value?: number;
  values?: Record<string, number>;
}

/** A transform's prediction. */
export interface TransformPrediction extends Prediction {
  vector: number[];
}

/** A clustering model's prediction. */
export interface ClusterPrediction extends Prediction {
  cluster: number;
}

/** An outlier detector's prediction. */
export interface OutlierPrediction extends Prediction {
  outlier?: boolean;
  score?: number;
}

/** The prediction type of a task (`Prediction` when the task is not known). */
export type PredictionOf<T extends Task> = Task extends T
  ? Prediction
  : {
      classification: ClassPrediction;
      regression: RegressionPrediction;
      transform: TransformPrediction;
      clustering: ClusterPrediction;
      outlier: OutlierPrediction;
    }[T];

/**
 * What `predictBatch` resolves to: a batch's results as typed arrays, column by column, without
 * one object per row (what large batches and charts want). A union discriminated by `task`:
 * check `batch.task` and the task's parts are there; parts a task lacks are undefined.
 */
export interface BatchBase {
  readonly task: Task;
  readonly rows: number;
  /** Class names, in the order of the probability columns (classifiers). */
  readonly classes?: string[];
  /** Each row's predicted class name (classifiers). */
  readonly labels?: string[];
  /** Each row's predicted class as an index into `classes`. */
  readonly labelIndex?: Uint32Array;
  /** Row-major `rows × classes.length`: row r's probabilities start at `r * classes.length`. */
  readonly probabilities?: Float64Array;
  /** Regressors: one value per row, or row-major `rows × valueNames.length` with several targets. */
  readonly values?: Float64Array;
  /** A regression's target names (several targets). */
  readonly valueNames?: string[];
  /** Numbers per row of `vectors` (transforms). */
  readonly dimension?: number;
  /** Row-major `rows × dimension` vectors (transforms). */
  readonly vectors?: Float64Array;
  /** Number of clusters (clustering). */
  readonly clusterCount?: number;
  /** Each row's cluster index (clustering). */
  readonly clusters?: Uint32Array;
  /** Row-major `rows × clusterCount` distances to the cluster centres (clustering). */
  readonly distances?: Float64Array;
  /** 1 for an outlier, 0 for an inlier, per row (outlier detection). */
  readonly outliers?: Uint8Array;
  /** Each row's outlier score, negative for outliers (outlier detection). */
  readonly scores?: Float64Array;
  /**
   * Present when some row was sent in the previous major version's shape and migrated:
   * `rows[r]` is 1 for such a row, else 0. Typed input (`{ data, rows }`) is never migrated.
   */
  readonly migrated?: { from_major: number; rows: Uint8Array };
  readonly model: ModelStamp;
  /** The same results as `predict` gives them: one object per row. */
  toObjects(): Prediction[];
}

/** A classifier's batch. */
export interface ClassificationBatch extends BatchBase {
  readonly task: "classification";
  readonly classes: string[];
  readonly labels: string[];
  readonly labelIndex: Uint32Array;
  toObjects(): ClassPrediction[];
}

/** A regressor's batch. */
export interface RegressionBatch extends BatchBase {
  readonly task: "regression";
  readonly values: Float64Array;
  toObjects(): RegressionPrediction[];
}

/** A transform's batch. */
export interface TransformBatch extends BatchBase {
  readonly task: "transform";
  readonly dimension: number;
  readonly vectors: Float64Array;
  toObjects(): TransformPrediction[];
}

/** A clustering model's batch. */
export interface ClusteringBatch extends BatchBase {
  readonly task: "clustering";
  readonly clusterCount: number;
  readonly clusters: Uint32Array;
  toObjects(): ClusterPrediction[];
}

/** An outlier detector's batch. */
export interface OutlierBatch extends BatchBase {
  readonly task: "outlier";
  toObjects(): OutlierPrediction[];
}

/** `predictBatch`'s result, discriminated by `task`. */
export type BatchPrediction = ClassificationBatch | RegressionBatch | TransformBatch | ClusteringBatch | OutlierBatch;

/** The batch type of a task (every kind when the task is not known). */
export type BatchOf<T extends Task> = Extract<BatchPrediction, { task: T }>;

/** The audit record {@link LoadOptions.onPrediction} receives for every prediction. */
export interface PredictionRecord {
  /** The model's name. */
  model: string;
  version: string;
  digest: string;
  /** `false` when the bundle was loaded with `allowUnverified`: treat the result as untrusted. */
  verified: boolean;
  /** ISO 8601, when the prediction was made. */
  timestamp: string;
  label?: string;
  /** The highest class probability. */
  confidence?: number;
  value?: number;
  /** The cluster index (clustering). */
  cluster?: number;
  /** Whether the row is an outlier, and its score (outlier detection). */
  outlier?: boolean;
  score?: number;
  /** Present when the input was sent in the previous major version's shape and migrated. */
  migrated?: { from_major: number };
}

/** What kind of schema problem an {@link Issue} is. */
export type IssueCode =
  | "missing_feature"
  | "unknown_feature"
  | "wrong_type"
  | "not_finite"
  | "not_an_integer"
  | "null_not_allowed"
  | "below_min"
  | "above_max"
  | "unknown_category"
  | "too_long"
  | "not_a_record"
  | "column_length"
  | "not_a_batch"
  | "missing_column"
  | "csv_row"
  | "csv_separator"
  // codes a newer version may add
  | (string & {});

/** One schema problem. */
export interface Issue {
  /** Where: `rows[3].petal_width`, `petal_width` (one record), `petal_width[3]` (columns). */
  path: string;
  code: IssueCode;
  /** What the schema expects there, e.g. `a number from 0 to 4.9 (cm)`. */
  expected: string;
  /** What was there, e.g. `"abc"`, `99`, `nothing`. */
  received: string;
}

export type DriftLevel = "none" | "moderate" | "significant";

/** Drift of one feature against the training baseline. */
export interface FeatureDrift {
  feature: string;
  /** Population stability index (`null` without a baseline or values). */
  psi: number | null;
  /**
   * `"moderate"` from `thresholds.moderate`, `"significant"` above `thresholds.significant`,
   * `"none"` below.
   */
  level: DriftLevel;
  /**
   * Where the levels start for this many values: 0.1 and 0.25 for large samples, higher for
   * small ones (what sampling noise alone reaches 5 % and 1 % of the time).
   */
  thresholds: { moderate: number; significant: number };
  /** Non-missing values. */
  count: number;
  missing: number;
  /** Bin labels: `[lo, hi)` ranges, or category names (`(other)` for unseen ones). */
  bins: string[];
  /** Share per bin in the training data. */
  baseline: number[];
  /** Share per bin in the input. */
  current: number[];
  /**
   * Text features only: the share of the input's tokens the model's vocabulary lacks, next to
   * the training texts' share (`bins` are then text lengths). Absent for other features, and
   * for bundles sealed before the training share was recorded.
   */
  unknown_tokens?: UnknownTokenDrift;
}

/** The unknown-token rate of a text feature (tokenised as the model's graph tokenises). */
export interface UnknownTokenDrift {
  /** Share of the training texts' tokens not in the vocabulary. */
  baseline_rate: number;
  /** Share of the input's tokens not in the vocabulary (0 without tokens). */
  rate: number;
  /** The input's tokens. */
  tokens: number;
  /** The input's tokens not in the vocabulary. */
  unknown: number;
  /**
   * `"significant"` when `rate` is clearly higher than `baseline_rate` (at least 10 points and
   * beyond a one-sided 99 % two-proportion test), `"moderate"` at 5 points and 95 %, else
   * `"none"` (a lower rate is no concern). Independent of the length PSI's `level`.
   */
  level: DriftLevel;
}

/** One report per feature, in schema order. */
export type DriftReport = FeatureDrift[];

/** The embedded test vectors, run again. */
export interface SelfTestResult {
  passed: number;
  total: number;
}

// ---------------------------------------------------------------------------------------
// Models

/** A model running on the calling thread. */
export interface Model<T extends Task = Task> {
  readonly info: Readonly<ModelInfo>;
  /** One prediction for one record. */
  predict(input: InputRecord): Promise<PredictionOf<T>>;
  /** One prediction per row for an array of records, columns, the typed form, or a CSV table. */
  predict(input: readonly InputRecord[] | InputColumns | TypedInput | CsvTable): Promise<PredictionOf<T>[]>;
  predict(input: ModelInput): Promise<PredictionOf<T> | PredictionOf<T>[]>;
  /**
   * A batch's results as typed arrays (see {@link BatchPrediction}); fastest with
   * `{ data: Float64Array, rows }`, the typed input form. A single record is a batch of one.
   */
  predictBatch(input: ModelInput): Promise<BatchOf<T>>;
  /** The schema issues of `input` (empty when valid), without predicting. */
  validate(input: ModelInput): Issue[];
  /** Re-runs the embedded test vectors (rejects with a VerificationError if one fails). */
  selfTest(): Promise<SelfTestResult>;
  /** Drift of `input` against the training baseline, per feature. */
  drift(input: ModelInput): DriftReport;
  /** Frees the model; later calls throw a ModelError ("model is disposed"). */
  dispose(): void;
}

/** A model running in a Web Worker (`worker: true`): every method returns a Promise. */
export interface WorkerModel<T extends Task = Task> {
  readonly info: Readonly<ModelInfo>;
  predict(input: InputRecord): Promise<PredictionOf<T>>;
  predict(input: readonly InputRecord[] | InputColumns | TypedInput | CsvTable): Promise<PredictionOf<T>[]>;
  predict(input: ModelInput): Promise<PredictionOf<T> | PredictionOf<T>[]>;
  predictBatch(input: ModelInput): Promise<BatchOf<T>>;
  validate(input: ModelInput): Promise<Issue[]>;
  selfTest(): Promise<SelfTestResult>;
  drift(input: ModelInput): Promise<DriftReport>;
  /** Stops the worker; later calls reject with a ModelError ("model is disposed"). */
  dispose(): void;
}

// ---------------------------------------------------------------------------------------
// Errors

/** The input does not match the schema; `issues` lists every problem. */
export class SchemaError extends Error {
  constructor(message: string, issues?: Issue[], options?: { cause?: unknown });
  readonly name: "SchemaError";
  issues: Issue[];
}

/** Which verification check failed. */
export type VerificationCheck =
  | "trustAnchor"
  | "integrity"
  | "fileDigest"
  | "signature"
  | "testVectors"
  | "bundle"
  | "publicKey"
  /** The graph cannot run as the manifest describes it (inputs, outputs, operators). */
  | "graph";

/** The bundle failed verification; `check` names the check. */
export class VerificationError extends Error {
  constructor(message: string, check: VerificationCheck, options?: { cause?: unknown; code?: string });
  readonly name: "VerificationError";
  check: VerificationCheck;
  /**
   * For `check: "bundle"`, the structural check that refused it, e.g.
   * `"zip.local-header-mismatch"`, `"zip.zip64"`, `"bundle.unexpected-entry"` (see SECURITY.md).
   */
  code?: string;
}

/**
 * Anything else: a failed download, a disposed model, an engine failure, an internal error
 * (after which that model is unusable).
 */
export class ModelError extends Error {
  constructor(message: string, options?: { cause?: unknown });
  readonly name: "ModelError";
}
