//! `ai.onnx.StringNormalizer` (opset 10), as onnxruntime computes it: drops the strings that
//! are stop words, then changes the case of the rest.
//!
//! onnxruntime (Linux) changes case one code point at a time with `std::tolower`/`toupper` of
//! the `en_US.UTF-8` locale, i.e. glibc's *simple* case mapping: never one character into
//! two. So `"ß"` stays `"ß"` in upper case (Python's `str.upper()` gives `"SS"`), `"İ"`
//! lowers to `"i"` (Python: `"i̇"`, two code points), and the Greek letters with
//! ypogegrammeni upper-case to their title-case forms (`"ᾳ"` → `"ᾼ"`, Python: `"ΑΙ"`).
//! [`lower`] and [`upper`] reproduce that; `tests/data/ort_case_map.txt` holds every code
//! point onnxruntime 1.32 (glibc 2.36, Unicode 14) changes, and the tests compare all of them.
//!
//! Only the `en_US.UTF-8` locale (onnxruntime's default, and what skl2onnx writes) is
//! accepted: another locale's case rules (Turkish dotless i, …) are refused at load by name.

use std::collections::HashSet;

use tract_onnx::model::{OnnxOpRegister, ParsingContext};
use tract_onnx::pb::NodeProto;
use tract_onnx::tract_hir::internal::*;

use super::kernel::{boxed, Kernel, OutShape, OutputSpec};

/// Registers the operator.
pub fn register(reg: &mut OnnxOpRegister) {
    reg.insert("StringNormalizer", build);
}

/// `case_change_action`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaseAction {
    /// `NONE`: strings keep their case.
    None,
    /// `LOWER`.
    Lower,
    /// `UPPER`.
    Upper,
}

/// A parsed `StringNormalizer`.
#[derive(Debug, Clone, PartialEq)]
pub struct StringNormalizer {
    action: CaseAction,
    /// `None` when case sensitive: stop words then compare as written.
    compare: Option<CaseAction>,
    /// Stop words, in the compare case when case insensitive.
    stopwords: HashSet<String>,
    /// The symbol of the output length when stop words can drop strings.
    kept: Option<Symbol>,
}

/// The locales whose case rules are onnxruntime's default ones.
const LOCALES: &[&str] = &["en_US.UTF-8", "en_US.utf8", "en_US.UTF8", "en_US.utf-8"];

fn build(
    ctx: &ParsingContext,
    node: &NodeProto,
) -> TractResult<(Box<dyn InferenceOp>, Vec<String>)> {
    boxed(StringNormalizer::parse(node, || {
        ctx.template.symbols.new_with_prefix("kept")
    })?)
}

impl StringNormalizer {
    /// Reads a `StringNormalizer` node's attributes; `kept` names the output length when
    /// stop words can drop strings.
    ///
    /// # Errors
    /// Invalid attributes, a locale other than onnxruntime's default.
    pub fn parse(node: &NodeProto, kept: impl FnOnce() -> Symbol) -> TractResult<StringNormalizer> {
        let action = match node
            .get_attr_opt::<String>("case_change_action")?
            .as_deref()
            .unwrap_or("NONE")
        {
            "NONE" => CaseAction::None,
            "LOWER" => CaseAction::Lower,
            "UPPER" => CaseAction::Upper,
            other => bail!(
                "{}: case_change_action {other:?} is not one of NONE, LOWER, UPPER",
                node.name
            ),
        };
        let case_sensitive = node.get_attr_opt::<i64>("is_case_sensitive")?.unwrap_or(0) != 0;
        if let Some(locale) = node.get_attr_opt::<String>("locale")? {
            if !LOCALES.contains(&locale.as_str()) {
                bail!(
                    "{}: locale {locale:?} is not supported: only en_US.UTF-8 (onnxruntime's \
                 default); export without skl2onnx's `locale` option",
                    node.name
                );
            }
        }
        // onnxruntime compares case-insensitively in the case the output will have (LOWER
        // unless UPPER), so that a kept string needs no second conversion.
        let compare = if case_sensitive {
            None
        } else if action == CaseAction::Upper {
            Some(CaseAction::Upper)
        } else {
            Some(CaseAction::Lower)
        };
        let mut stopwords = HashSet::new();
        for word in node
            .get_attr_opt_vec::<String>("stopwords")?
            .unwrap_or_default()
        {
            node.expect(!word.is_empty(), "no empty stop word")?;
            let word = match compare {
                Some(c) => change_case(c, &word),
                None => word,
            };
            if !stopwords.insert(word.clone()) {
                bail!("{}: stop word {word:?} is listed twice", node.name);
            }
        }
        // Without stop words nothing is dropped and the output has the input's shape.
        let kept = (!stopwords.is_empty()).then(kept);
        Ok(StringNormalizer {
            action,
            compare,
            stopwords,
            kept,
        })
    }

    /// One string as the operator outputs it: case changed, or `None` when it is a stop word.
    pub fn normalize_one(&self, s: &str) -> Option<String> {
        self.normalize(std::iter::once(&s.to_string())).pop()
    }
}

/// A code point in lower case, as glibc's `towlower` in `en_US.UTF-8`.
pub fn lower(c: char) -> char {
    // The one code point whose full lower-case mapping has two code points.
    if c == '\u{130}' {
        return 'i';
    }
    single(c.to_lowercase()).unwrap_or(c)
}

/// A code point in upper case, as glibc's `towupper` in `en_US.UTF-8`.
pub fn upper(c: char) -> char {
    // Greek vowels with ypogegrammeni: their simple upper-case mapping is the title-case
    // letter (one code point), while the full mapping splits off a capital iota.
    match c {
        '\u{1F80}'..='\u{1F87}' | '\u{1F90}'..='\u{1F97}' | '\u{1FA0}'..='\u{1FA7}' => {
            return char::from_u32(c as u32 + 8).unwrap_or(c)
        }
        '\u{1FB3}' => return '\u{1FBC}',
        '\u{1FC3}' => return '\u{1FCC}',
        '\u{1FF3}' => return '\u{1FFC}',
        _ => {}
    }
    // Other multi-code-point mappings (ß → SS, ligatures, …) have no simple mapping.
    single(c.to_uppercase()).unwrap_or(c)
}

fn single(mut it: impl Iterator<Item = char>) -> Option<char> {
    let first = it.next()?;
    it.next().is_none().then_some(first)
}

/// A string with every code point's case changed.
pub fn change_case(action: CaseAction, s: &str) -> String {
    match action {
        CaseAction::None => s.to_string(),
        CaseAction::Lower => s.chars().map(lower).collect(),
        CaseAction::Upper => s.chars().map(upper).collect(),
    }
}

impl StringNormalizer {
    /// The kept strings, case changed.
    fn normalize<'a>(&self, strings: impl Iterator<Item = &'a String>) -> Vec<String> {
        strings
            .filter_map(|s| match self.compare {
                None if self.stopwords.contains(s) => None,
                None => Some(change_case(self.action, s)),
                Some(c) => {
                    let compared = change_case(c, s);
                    if self.stopwords.contains(&compared) {
                        None
                    } else if self.action == CaseAction::None {
                        Some(s.clone())
                    } else {
                        // The compare case is the output case here.
                        Some(compared)
                    }
                }
            })
            .collect()
    }
}

impl Kernel for StringNormalizer {
    fn name(&self) -> &'static str {
        "StringNormalizer"
    }

    fn outputs(&self, _input: Option<&[usize]>) -> TractResult<TVec<OutputSpec>> {
        let shape = if self.kept.is_some() {
            OutShape::Custom
        } else {
            OutShape::SameAsInput
        };
        Ok(tvec![OutputSpec {
            dtype: String::datum_type(),
            trailing: tvec![],
            shape,
        }])
    }

    fn custom_shape(&self, _output: usize, input: &[TDim]) -> TractResult<TVec<TDim>> {
        let kept = self
            .kept
            .clone()
            .context("StringNormalizer: no output symbol")?;
        Ok(match input.len() {
            1 => tvec![kept.to_dim()],
            _ => tvec![1.to_dim(), kept.to_dim()],
        })
    }

    fn mints_runtime_symbols(&self) -> bool {
        self.kept.is_some()
    }

    fn eval(&self, inputs: &[TValue]) -> TractResult<TVec<Tensor>> {
        let x = inputs.first().context("StringNormalizer: no input")?;
        // onnxruntime's accepted shapes: [C] or [1, C], C > 0.
        let row = match *x.shape() {
            [c] if c > 0 => false,
            [1, c] if c > 0 => true,
            _ => bail!(
                "StringNormalizer: input shape {:?}: only [C] or [1, C] with C > 0 (as \
                 onnxruntime); reshape the strings to one dimension first",
                x.shape()
            ),
        };
        let view = x.to_plain_array_view::<String>()?;
        let mut kept = self.normalize(view.iter());
        // onnxruntime writes one empty string when every string was a stop word.
        if kept.is_empty() {
            kept.push(String::new());
        }
        let shape: TVec<usize> = if row {
            tvec![1, kept.len()]
        } else {
            tvec![kept.len()]
        };
        Ok(tvec![
            tract_ndarray::ArrayD::from_shape_vec(&*shape, kept)?.into_tensor()
        ])
    }
}

#[cfg(test)]
mod tests;
