// Step 3: the model card and the training metadata, as the bundle states them.

import { h, num, replace } from "../lib/dom.js";

function text(label, value) {
  if (!value) return null;
  return [h("dt", {}, label), h("dd", {}, value)];
}

/** Renders the card of `info` (model.info) into `el`. */
export function renderCard(el, info) {
  const c = info.card ?? {};
  const t = info.training ?? {};
  const cv = t.cv_metric;
  const ranges = Object.entries(c.operating_ranges ?? {});
  const hyper = Object.entries(t.hyperparameters ?? {});
  replace(
    el,
    h("p", { class: "card-title" }, h("strong", {}, info.name), ` version ${info.version} · ${info.outputs.task}`,
      info.outputs.class_names ? ` · classes: ${info.outputs.class_names.join(", ")}` : ""),
    h("p", { class: "lead" }, c.description),
    h(
      "dl",
      { class: "card-list" },
      text("Intended use", c.intended_use),
      text("Out of scope", c.out_of_scope),
      text("Limitations", c.limitations),
      text("Fairness", c.fairness),
      text("Authors", (c.authors ?? []).join(", ")),
      text("License", c.license),
    ),
    ranges.length
      ? h(
          "details",
          {},
          h("summary", {}, "Recommended operating ranges"),
          h("dl", { class: "card-list" }, ranges.flatMap(([k, v]) => text(k, v))),
        )
      : null,
    h("h3", {}, "Training"),
    h(
      "dl",
      { class: "card-list" },
      text("Framework", t.framework && `${t.framework.name} ${t.framework.version}`),
      text("Converter", t.converter && `${t.converter.name} ${t.converter.version}`),
      text("Training data", t.data && `${num(t.data.rows)} rows${t.data.source ? ` — ${t.data.source}` : ""}`),
      t.data ? [h("dt", {}, "Data sha256"), h("dd", {}, h("code", { class: "digest" }, t.data.sha256))] : null,
      text("Cross-validation", cv && `${cv.name} ${num(cv.mean, 3)} ± ${num(cv.std, 3)} (${cv.folds} folds)`),
      t.git_commit ? [h("dt", {}, "Git commit"), h("dd", {}, h("code", { class: "digest" }, t.git_commit))] : null,
      text("Random seed", t.random_seed !== undefined && t.random_seed !== null ? String(t.random_seed) : ""),
      text("Created", info.created && new Date(info.created).toUTCString()),
    ),
    hyper.length
      ? h(
          "details",
          {},
          h("summary", {}, `Hyper-parameters (${hyper.length})`),
          h("table", { class: "compact" },
            h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "name"), h("th", { scope: "col" }, "value"))),
            h("tbody", {}, hyper.map(([k, v]) => h("tr", {}, h("td", {}, h("code", {}, k)), h("td", {}, JSON.stringify(v)))))),
        )
      : null,
  );
}
