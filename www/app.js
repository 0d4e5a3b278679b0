// The demo page: wires the sections to one loaded model at a time. Each section lives in
// sections/ and gets the model (or the failure) when it changes.

import { loadModel } from "./lib/package.js";

import { replace } from "./lib/dom.js";
import { AuditLog } from "./sections/audit.js";
import { BatchSection } from "./sections/batch.js";
import { renderCard } from "./sections/card.js";
import { DriftSection } from "./sections/drift.js";
import { PredictForm } from "./sections/form.js";
import { startOffline } from "./sections/offline.js";
import { Picker } from "./sections/picker.js";
import { RegistrySection } from "./sections/registry.js";
import { renderTrust, renderTrustFailure } from "./sections/trust.js";

const $ = (id) => document.getElementById(id);

const audit = new AuditLog($("audit-table"), $("audit-count"), $("export-audit"), $("clear-audit"));
const form = new PredictForm($("predict-form"), $("fields"), $("form-summary"), $("result"), $("fill-sample"));
const drift = new DriftSection($("drift-body"));
const batch = new BatchSection({
  file: $("csv-file"),
  text: $("csv-text"),
  runButton: $("run-batch"),
  downloadButton: $("download-batch"),
  sample: $("csv-sample"),
  status: $("batch-status"),
  errors: $("batch-errors"),
  table: $("batch-table"),
  onRows: (model, records) => drift.show(model, records),
});

const modelSections = ["card", "predict", "batch", "drift", "audit"].map($);
let current = null;
let loading = null;

/** Loads a bundle (see Picker for what `request` holds) and shows it, or why it was refused. */
async function open(request) {
  if (loading) loading.abort();
  const controller = new AbortController();
  loading = controller;
  const progress = $("progress");
  const text = $("load-text");
  progress.hidden = false;
  progress.removeAttribute("value"); // indeterminate until the first progress report
  text.textContent = `Loading ${request.label}…`;
  const started = performance.now();
  try {
    const model = await loadModel(request.source, {
      ...request.trust,
      cache: true,
      signal: controller.signal,
      onProgress: ({ loaded, total }) => {
        if (total) {
          progress.max = total;
          progress.value = loaded;
        }
        text.textContent = `Downloading ${request.label}: ${Math.round(loaded / 1024)} KB${total ? ` of ${Math.round(total / 1024)} KB` : ""}…`;
      },
      onPrediction: (record) => audit.add(record),
    });
    if (controller !== loading) {
      model.dispose();
      return;
    }
    const took = performance.now() - started;
    show(model, request, took);
    const from = request.example ? "" : ` from ${request.label}`;
    if (model.info.registry) registry.refresh().catch(() => {}); // the channels may have moved
    const how = model.info.verified ? "" : ", UNVERIFIED";
    text.textContent = `Loaded ${model.info.name} ${model.info.version}${from} in ${Math.round(took)} ms (${sourceText(model.info.source)}${how}).`;
  } catch (error) {
    if (controller !== loading) return;
    if (error && error.name === "AbortError") return;
    showFailure(request, error);
    // The reason is in the trust panel (said once, there).
    text.textContent = `Refused ${request.label}: see “Can you trust it?” below.`;
  } finally {
    if (controller === loading) {
      loading = null;
      progress.hidden = true;
    }
  }
}

function sourceText(source) {
  // Offline, the page's service worker answers for the example bundles: not a download.
  if (source === "network" && !navigator.onLine) return "from this browser's offline copy, verified again";
  return {
    network: "downloaded",
    cache: "from the offline cache, verified again",
    file: "from a file",
    bytes: "from your file",
  }[source] ?? source;
}

function dispose() {
  if (current) current.model.dispose();
  current = null;
}

function show(model, request, took) {
  dispose();
  current = { model, request };
  $("trust").hidden = false;
  renderTrust($("trust-body"), model.info, { took });
  renderCard($("card-body"), model.info);
  form.show(model, request.example?.sample ?? null);
  batch.show(model, request.example ?? null);
  drift.clear();
  for (const s of modelSections) s.hidden = false;
  document.body.dataset.model = `${model.info.name}@${model.info.version}`;
}

function showFailure(request, error) {
  dispose();
  for (const s of modelSections) s.hidden = true;
  delete document.body.dataset.model;
  $("trust").hidden = false;
  renderTrustFailure($("trust-body"), error, { bytes: request.bytes });
  $("trust").scrollIntoView({ block: "nearest" });
}

const picker = new Picker({
  list: $("example-list"),
  file: $("file"),
  drop: $("drop"),
  urlForm: $("url-form"),
  url: $("url"),
  key: $("key"),
  integrity: $("integrity"),
  onLoad: open,
});

picker.start().catch((e) => replace($("example-list"), `Cannot list the examples: ${e.message}`));

const registry = new RegistrySection({
  channels: $("registry-channels"),
  versions: $("registry-versions"),
  history: $("registry-history"),
  status: $("registry-status"),
  folder: "examples/registry/iris",
  keyUrl: "examples/demo-public-key.pem",
  onLoad: open,
});
registry.start().catch((e) => {
  $("registry-status").textContent = `Cannot read the registry: ${e.message}`;
});
startOffline($("network"), $("sw-status"));
