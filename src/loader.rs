//! Loading a bundle with every check, in order: integrity, structure (the directory, the
//! manifest), signature, the model against its digest, graph, test vectors. A model that
//! comes out of [`SealedModel::load`] passed all of them.

use p256::ecdsa::VerifyingKey;
use thiserror::Error;

use crate::bundle::{self, Bundle, BundleError, Limits, Manifest, OpenBundle};
use crate::engine::{Columns, Engine, EngineError, Prediction};
use crate::schema::{self, Batch, SchemaError, Shape, Value};
use crate::trust::{self, IntegrityError, Resource, SignatureError};

/// What the caller trusts the bundle by.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    /// The signer's public key: `model.sig` must verify with it.
    pub public_key: Option<VerifyingKey>,
    /// An SRI string (`sha256-…`) the whole bundle must match.
    pub integrity: Option<String>,
    /// Load even with neither a key nor an integrity string (the model says it is unverified).
    pub allow_unverified: bool,
    /// Size limits.
    pub limits: Limits,
    /// Validation settings for predictions.
    pub schema: schema::Options,
}

/// How the bundle was verified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verification {
    /// sha256 of the whole bundle as an SRI string; the bundle's identity.
    pub digest: String,
    /// Whether an integrity string was given and matched.
    pub integrity_checked: bool,
    /// Fingerprint of the key whose signature verified, when a key was given.
    pub signer: Option<String>,
    /// Whether a key or integrity string vouched for the bundle.
    pub verified: bool,
    /// Number of test vectors that passed (all of them, or loading fails).
    pub test_vectors_passed: usize,
}

/// Which trust check failed.
#[derive(Debug, Clone, PartialEq, Error)]
#[non_exhaustive]
pub enum VerificationError {
    /// Neither a public key nor an integrity string, and unverified loading not allowed.
    #[error("refusing an unverified bundle: pass the signer's public key or an integrity string (sha256-…), or load it unverified on purpose (--allow-unverified on the command line, allowUnverified: true in JavaScript)")]
    NoTrustAnchor,
    /// The whole-bundle digest does not match the integrity string.
    // Not `#[from]`: that would also make the inner error the `source()`, and a cause chain
    // (`{:#}`) would print it twice ("X: X").
    #[error("bundle integrity check failed: {0}")]
    Integrity(IntegrityError),
    /// A file does not match the digest the manifest lists for it.
    #[error("{name} does not match its digest in manifest.json (expected sha256 {expected}, got {actual}): the bundle was modified")]
    FileDigest {
        /// Entry name.
        name: String,
        /// Digest listed in the manifest.
        expected: String,
        /// Digest of the entry.
        actual: String,
    },
    /// A file's size in the zip directory is not the size the manifest lists for it.
    #[error("{name} is {actual} bytes but manifest.json lists {expected}: the bundle was modified (refused before inflating it)")]
    FileSize {
        /// Entry name.
        name: String,
        /// Size listed in the manifest.
        expected: u64,
        /// Size the zip directory declares.
        actual: u64,
    },
    /// A public key was given but the bundle has no `model.sig`.
    #[error("bundle is not signed (no model.sig) but a public key was given: sign it with `sealed-onnx sign`")]
    Unsigned,
    /// The signature does not verify.
    #[error("signature check failed: {0}")]
    Signature(SignatureError),
}

impl From<IntegrityError> for VerificationError {
    fn from(e: IntegrityError) -> Self {
        VerificationError::Integrity(e)
    }
}

impl From<SignatureError> for VerificationError {
    fn from(e: SignatureError) -> Self {
        VerificationError::Signature(e)
    }
}

/// A test vector whose prediction differs from what the training framework produced.
#[derive(Debug, Clone, PartialEq, Error)]
#[error("test vector {case} failed: {field} expected {expected}, got {got}{}", tolerance.map(|t| format!(" (tolerance {t})")).unwrap_or_default())]
pub struct TestVectorMismatch {
    /// Index of the case.
    pub case: usize,
    /// What differs: `label`, `probabilities.setosa` or `value`.
    pub field: String,
    /// The expected value.
    pub expected: String,
    /// The computed value.
    pub got: String,
    /// The allowed absolute difference, for scores.
    pub tolerance: Option<f64>,
}

/// Why a test vector could not be checked or did not match.
#[derive(Debug, Clone, PartialEq, Error)]
#[non_exhaustive]
pub enum TestVectorError {
    /// The case's input does not pass the bundle's own schema.
    #[error("test vector {case} does not match the bundle's own schema: {error}")]
    Schema {
        /// Index of the case.
        case: usize,
        /// The schema problems.
        error: SchemaError,
    },
    /// Running the case failed.
    #[error("test vector {case} could not be run: {error}")]
    Engine {
        /// Index of the case.
        case: usize,
        /// The engine's error.
        error: EngineError,
    },
    /// The prediction differs beyond tolerance.
    #[error("{0}: the expected value is what the training framework computed when the bundle was sealed, the other what this engine computes from the bundle's graph (when packing, the usual cause is the exporter's float32 arithmetic: skl2onnx computes in float32 where scikit-learn uses float64; set a tolerance that covers the difference or record the graph's own results)")]
    Mismatch(TestVectorMismatch),
}

/// Why a bundle was refused.
#[derive(Debug, Clone, PartialEq, Error)]
#[non_exhaustive]
pub enum LoadError {
    /// The bundle is structurally invalid.
    #[error(transparent)]
    Bundle(#[from] BundleError),
    /// A trust check failed.
    #[error(transparent)]
    Verification(#[from] VerificationError),
    /// The graph cannot be run as the manifest describes.
    #[error(transparent)]
    Engine(#[from] EngineError),
    /// A test vector failed.
    #[error(transparent)]
    TestVector(#[from] TestVectorError),
}

impl LoadError {
    /// Which trust check refused the bundle, as the npm and Python packages name it:
    /// `bundle`, `trustAnchor`, `integrity`, `fileDigest`, `signature`, `graph` (a graph that
    /// cannot run as its manifest describes is a failed check of the bundle, not a runtime
    /// error) or `testVectors`.
    pub fn check(&self) -> &'static str {
        match self {
            LoadError::Bundle(_) => "bundle",
            LoadError::Verification(v) => match v {
                VerificationError::NoTrustAnchor => "trustAnchor",
                VerificationError::Integrity(_) => "integrity",
                VerificationError::FileDigest { .. } | VerificationError::FileSize { .. } => {
                    "fileDigest"
                }
                VerificationError::Unsigned | VerificationError::Signature(_) => "signature",
            },
            LoadError::Engine(_) => "graph",
            LoadError::TestVector(_) => "testVectors",
        }
    }
}

/// Why a prediction failed; the model stays usable.
#[derive(Debug, Clone, PartialEq, Error)]
#[non_exhaustive]
pub enum PredictError {
    /// The input does not match the schema.
    #[error(transparent)]
    Schema(#[from] SchemaError),
    /// Inference failed.
    #[error(transparent)]
    Engine(#[from] EngineError),
}

/// A verified, ready-to-run model.
#[derive(Debug, Clone)]
pub struct SealedModel {
    manifest: Manifest,
    engine: Engine,
    verification: Verification,
    schema_options: schema::Options,
}

impl SealedModel {
    /// Verifies and loads a bundle.
    ///
    /// # Errors
    /// The first failed check, as a [`LoadError`].
    pub fn load(bytes: &[u8], options: &LoadOptions) -> Result<SealedModel, LoadError> {
        if options.public_key.is_none() && options.integrity.is_none() && !options.allow_unverified
        {
            return Err(VerificationError::NoTrustAnchor.into());
        }
        // The size limit applies before hashing, so a huge download is refused cheaply.
        if bytes.len() as u64 > options.limits.max_bundle_bytes {
            return Err(BundleError::from(bundle::ZipError::TooLarge {
                size: bytes.len() as u64,
                limit: options.limits.max_bundle_bytes,
            })
            .into());
        }
        let integrity_checked = match &options.integrity {
            Some(sri) => trust::check_integrity(bytes, sri)
                .map(|_| true)
                .map_err(VerificationError::from)?,
            None => false,
        };
        let open = Bundle::open(bytes, &options.limits)?;
        // With a key, the signature is checked before the model is inflated, against the
        // model digest the manifest lists; the model is then checked against that same
        // digest. Together that proves what checking the signature against the model's own
        // digest would, but a bundle whose manifest or signature the key did not make is
        // refused before the one expensive step: inflating and hashing a model declared up
        // to the entry limit (512 MiB by default).
        let signer = match &options.public_key {
            Some(key) => Some(verify_signature(&open, key)?),
            None => None,
        };
        // A signed manifest replayed with another model is then refused from the directory,
        // before inflating: the manifest (which the signature covers) lists the model's size.
        check_model_size(&open)?;
        let bundle = open.read_model()?;
        check_model_digest(&bundle, &trust::sha256(&bundle.model))?;
        let engine = Engine::load(&bundle.model, &bundle.manifest)?;
        let mut model = SealedModel {
            manifest: bundle.manifest,
            engine,
            verification: Verification {
                digest: trust::sri_sha256(bytes),
                integrity_checked,
                verified: integrity_checked || signer.is_some(),
                signer,
                test_vectors_passed: 0,
            },
            schema_options: options.schema,
        };
        model.verification.test_vectors_passed = model.self_test()?;
        Ok(model)
    }

    /// The manifest: identity, card, schema, training metadata.
    pub fn manifest(&self) -> &Manifest {
        &self.manifest
    }

    /// How the bundle was verified.
    pub fn verification(&self) -> &Verification {
        &self.verification
    }

    /// Validates input without running the model.
    ///
    /// # Errors
    /// Every schema problem at once.
    pub fn validate(&self, input: &Value) -> Result<Batch, SchemaError> {
        // Records in the previous version's shape are migrated first (manifest `migration`).
        match &self.manifest.migration {
            Some(m) => schema::validate(
                &self.manifest.inputs.features,
                &schema::migrate(m, input).0,
                self.schema_options,
            ),
            None => schema::validate(&self.manifest.inputs.features, input, self.schema_options),
        }
    }

    /// How many records of `input` the manifest's `migration` changes (sent in the previous
    /// version's shape); 0 without a migration.
    pub fn migrated_records(&self, input: &Value) -> usize {
        self.manifest
            .migration
            .as_ref()
            .map_or(0, |m| schema::migrate(m, input).1)
    }

    /// The positions of the records of `input` the manifest's `migration` changes.
    pub fn migrated_rows(&self, input: &Value) -> Vec<usize> {
        self.manifest
            .migration
            .as_ref()
            .map_or_else(Vec::new, |m| schema::migrated_rows(m, input))
    }

    /// Validates and predicts a record, an array of records, or columns.
    ///
    /// # Errors
    /// Schema problems or an inference failure; the model stays usable either way.
    pub fn predict(&self, input: &Value) -> Result<(Shape, Vec<Prediction>), PredictError> {
        let batch = self.validate(input)?;
        Ok((batch.shape, self.engine.predict(&batch)?))
    }

    /// Per-feature drift of `input` against the bundle's training baseline.
    ///
    /// # Errors
    /// Every schema problem of the input.
    pub fn drift(&self, input: &Value) -> Result<Vec<schema::drift::FeatureDrift>, SchemaError> {
        Ok(self.drift_batch(&self.validate(input)?))
    }

    /// Per-feature drift of a validated batch against the training baseline.
    pub fn drift_batch(&self, batch: &Batch) -> Vec<schema::drift::FeatureDrift> {
        let vocabulary = |name: &str| {
            self.engine
                .vocabulary(name)
                .map(|v| v as &dyn schema::drift::TokenCounter)
        };
        schema::drift::drift(
            &self.manifest.inputs.features,
            &self.manifest.drift_baseline,
            batch,
            &vocabulary,
        )
    }

    /// Predicts an already validated batch.
    ///
    /// # Errors
    /// An inference failure.
    pub fn predict_batch(&self, batch: &Batch) -> Result<Vec<Prediction>, EngineError> {
        self.engine.predict(batch)
    }

    /// Predicts an already validated batch, results column by column (the typed-array form).
    ///
    /// # Errors
    /// An inference failure.
    pub fn predict_columns(&self, batch: &Batch) -> Result<Columns, EngineError> {
        self.engine.predict_columns(batch)
    }

    /// Predicts a typed batch that passed the schema (rows of numbers, features in schema
    /// order, booleans as 0 and 1), results column by column, without a cell per value.
    ///
    /// # Errors
    /// An inference failure.
    pub fn predict_typed_columns(&self, data: &[f64], rows: usize) -> Result<Columns, EngineError> {
        self.engine.predict_typed(data, rows)
    }

    /// Re-runs the embedded test vectors; returns how many passed (all, or an error).
    ///
    /// # Errors
    /// The first case that fails, with expected and computed values.
    pub fn self_test(&self) -> Result<usize, TestVectorError> {
        let tv = &self.manifest.test_vectors;
        let batches = tv
            .cases
            .iter()
            .enumerate()
            .map(|(case, tc)| self.case_batch(case, tc))
            .collect::<Result<Vec<_>, _>>()?;
        // All cases in one run of the graph rather than one run each (a load runs them, so a
        // run's fixed cost counted once per case); each row is computed on its own either way.
        // If that run fails, the cases are run one by one to name the one that fails.
        let Some(all) = concat(&batches) else {
            return Ok(0);
        };
        let got = match self.engine.predict(&all) {
            Ok(got) if got.len() == batches.len() => got,
            _ => return self.self_test_one_by_one(&batches),
        };
        for (case, (tc, got)) in tv.cases.iter().zip(&got).enumerate() {
            compare(case, &tc.expected, got, tv.tolerance).map_err(TestVectorError::Mismatch)?;
        }
        Ok(tv.cases.len())
    }

    /// A test vector's input, validated against the bundle's own schema.
    fn case_batch(
        &self,
        case: usize,
        tc: &bundle::manifest::TestCase,
    ) -> Result<Batch, TestVectorError> {
        let input = Value::Object(
            tc.input
                .iter()
                .map(|(k, v)| (k.clone(), Value::from(v.clone())))
                .collect(),
        );
        schema::validate(
            &self.manifest.inputs.features,
            &input,
            schema::Options::default(),
        )
        .map_err(|error| TestVectorError::Schema { case, error })
    }

    /// [`SealedModel::self_test`] one case per run, so an engine error names its case.
    fn self_test_one_by_one(&self, batches: &[Batch]) -> Result<usize, TestVectorError> {
        let tv = &self.manifest.test_vectors;
        for (case, (tc, batch)) in tv.cases.iter().zip(batches).enumerate() {
            let got = self
                .engine
                .predict(batch)
                .map_err(|error| TestVectorError::Engine { case, error })?;
            let got = got.into_iter().next().ok_or(TestVectorError::Engine {
                case,
                error: EngineError::Run {
                    detail: "no prediction returned".into(),
                },
            })?;
            compare(case, &tc.expected, &got, tv.tolerance).map_err(TestVectorError::Mismatch)?;
        }
        Ok(tv.cases.len())
    }
}

/// The rows of `batches` (validated against one schema, so with the same columns) as one
/// batch; `None` when there are none.
fn concat(batches: &[Batch]) -> Option<Batch> {
    let (first, rest) = batches.split_first()?;
    let mut all = first.clone();
    all.shape = Shape::Records;
    for b in rest {
        all.rows += b.rows;
        for (column, more) in all.columns.iter_mut().zip(&b.columns) {
            column.extend(more.iter().cloned());
        }
    }
    Some(all)
}

/// Checks every entry listed in the manifest's `files` against its sha256.
///
/// # Errors
/// [`VerificationError::FileDigest`] naming the entry and both digests.
pub fn check_file_digests(bundle: &Bundle) -> Result<(), VerificationError> {
    check_model_digest(bundle, &trust::sha256(&bundle.model))
}

/// Checks the model's size as the zip directory declares it against the size the manifest
/// lists (bundles sealed before sizes were recorded list none, and pass).
///
/// # Errors
/// [`VerificationError::FileSize`] naming the entry and both sizes.
fn check_model_size(open: &OpenBundle<'_>) -> Result<(), VerificationError> {
    match open.manifest.file_sizes.get(bundle::MODEL_ENTRY) {
        Some(&expected) if expected != open.model_size() => Err(VerificationError::FileSize {
            name: bundle::MODEL_ENTRY.into(),
            expected,
            actual: open.model_size(),
        }),
        _ => Ok(()),
    }
}

/// [`check_file_digests`] with the model's sha256 already computed.
fn check_model_digest(bundle: &Bundle, model_sha256: &[u8; 32]) -> Result<(), VerificationError> {
    if let Some(&expected) = bundle.manifest.file_sizes.get(bundle::MODEL_ENTRY) {
        if expected != bundle.model.len() as u64 {
            return Err(VerificationError::FileSize {
                name: bundle::MODEL_ENTRY.into(),
                expected,
                actual: bundle.model.len() as u64,
            });
        }
    }
    for (name, expected) in &bundle.manifest.files {
        let digest = match name.as_str() {
            bundle::MODEL_ENTRY => model_sha256,
            // The manifest check allows no other names; refuse rather than skip if that changes.
            _ => {
                return Err(VerificationError::FileDigest {
                    name: name.clone(),
                    expected: expected.clone(),
                    actual: "(no such entry)".into(),
                })
            }
        };
        let actual = trust::to_hex(digest);
        if &actual != expected {
            return Err(VerificationError::FileDigest {
                name: name.clone(),
                expected: expected.clone(),
                actual,
            });
        }
    }
    Ok(())
}

/// The files `model.sig` covers, as `sign` and `verify` see them.
pub fn signed_resources(model: &[u8], manifest_bytes: &[u8]) -> Vec<Resource> {
    vec![
        Resource::new(bundle::MANIFEST_ENTRY, manifest_bytes),
        Resource::new(bundle::MODEL_ENTRY, model),
    ]
}

fn verify_signature(
    open: &OpenBundle<'_>,
    key: &VerifyingKey,
) -> Result<String, VerificationError> {
    let sig = open
        .signature
        .as_deref()
        .ok_or(VerificationError::Unsigned)?;
    // The manifest check guarantees a well-formed digest for model.onnx; a typed refusal all
    // the same if that ever changes.
    let listed = open
        .manifest
        .files
        .get(bundle::MODEL_ENTRY)
        .map(String::as_str)
        .unwrap_or_default();
    let model_sha256 =
        trust::parse_hex_digest(listed).map_err(|e| VerificationError::FileDigest {
            name: bundle::MODEL_ENTRY.into(),
            expected: listed.into(),
            actual: format!("(the manifest's digest is unusable: {e})"),
        })?;
    // The same files as `signed_resources`.
    let resources = [
        Resource::new(bundle::MANIFEST_ENTRY, &open.manifest_bytes),
        Resource {
            name: bundle::MODEL_ENTRY.into(),
            sha256: model_sha256,
        },
    ];
    let valid = trust::verify(sig, &resources, key)?;
    Ok(valid.fingerprint)
}

fn compare(
    case: usize,
    expected: &bundle::manifest::Expected,
    got: &Prediction,
    tolerance: bundle::manifest::Tolerance,
) -> Result<(), TestVectorMismatch> {
    let mismatch = |field: &str, e: String, g: String, tol: Option<f64>| TestVectorMismatch {
        case,
        field: field.to_string(),
        expected: e,
        got: g,
        tolerance: tol,
    };
    let show = |v: Option<f64>| v.map_or("nothing".to_string(), schema::format_number);
    if let Some(label) = &expected.label {
        if got.label.as_ref() != Some(label) {
            return Err(mismatch(
                "label",
                format!("{label:?}"),
                format!("{:?}", got.label.clone().unwrap_or_default()),
                None,
            ));
        }
    }
    if let Some(probs) = &expected.probabilities {
        for (class, e) in probs {
            let g = got
                .probabilities
                .as_ref()
                .and_then(|p| p.iter().find(|(c, _)| c == class).map(|(_, v)| *v));
            if !g.is_some_and(|g| tolerance.accepts(*e, g)) {
                let tol = tolerance.absolute + tolerance.relative * e.abs();
                return Err(mismatch(
                    &format!("probabilities.{class}"),
                    schema::format_number(*e),
                    show(g),
                    Some(tol),
                ));
            }
        }
    }
    if let Some(e) = expected.value {
        if !got.value.is_some_and(|g| tolerance.accepts(e, g)) {
            let tol = tolerance.absolute + tolerance.relative * e.abs();
            return Err(mismatch(
                "value",
                schema::format_number(e),
                show(got.value),
                Some(tol),
            ));
        }
    }
    // The vector parts: each number within tolerance, named `values.<target>`,
    // `vector[3]`, `distances[1]`.
    let mut numbers: Vec<(String, f64, Option<f64>)> = Vec::new();
    if let Some(values) = &expected.values {
        let got_values = got.values.as_deref().unwrap_or_default();
        for (target, e) in values {
            let g = got_values
                .iter()
                .find(|(t, _)| t == target)
                .map(|(_, v)| *v);
            numbers.push((format!("values.{target}"), *e, g));
        }
    }
    for (field, e, g) in [
        ("vector", &expected.vector, &got.vector),
        ("distances", &expected.distances, &got.distances),
    ] {
        let Some(e) = e else { continue };
        let g = g.as_deref().unwrap_or_default();
        if e.len() != g.len() {
            return Err(mismatch(
                field,
                format!("{} numbers", e.len()),
                format!("{} numbers", g.len()),
                None,
            ));
        }
        for (i, (e, g)) in e.iter().zip(g).enumerate() {
            numbers.push((format!("{field}[{i}]"), *e, Some(*g)));
        }
    }
    if let Some(e) = expected.score {
        numbers.push(("score".into(), e, got.score));
    }
    for (field, e, g) in numbers {
        if !g.is_some_and(|g| tolerance.accepts(e, g)) {
            let tol = tolerance.absolute + tolerance.relative * e.abs();
            return Err(mismatch(
                &field,
                schema::format_number(e),
                show(g),
                Some(tol),
            ));
        }
    }
    if let Some(e) = expected.cluster {
        if got.cluster.map(u64::from) != Some(e) {
            let g = got.cluster.map_or("nothing".into(), |c| c.to_string());
            return Err(mismatch("cluster", e.to_string(), g, None));
        }
    }
    if let Some(e) = expected.outlier {
        if got.outlier != Some(e) {
            let show = |o: Option<bool>| match o {
                Some(true) => "outlier (-1)",
                Some(false) => "inlier (1)",
                None => "nothing",
            };
            return Err(mismatch(
                "outlier",
                show(Some(e)).into(),
                show(got.outlier).into(),
                None,
            ));
        }
    }
    Ok(())
}
