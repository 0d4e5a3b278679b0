//! `com.microsoft.Tokenizer` (onnxruntime's contrib operator, what skl2onnx writes for a
//! text vectorizer): splits each string into tokens with a regular expression (`tokenexp`),
//! with separator expressions (`separators`), or into characters, and pads every row to the
//! longest one with `pad_value`.
//!
//! onnxruntime uses RE2 with *leftmost-longest* matching; this uses regex-automata's PikeVM
//! the same way: the leftmost match start (the same under either semantics), then the
//! longest match from there. RE2's Perl classes and word boundary are ASCII-only (`\w` is
//! `[0-9A-Za-z_]`, so `"naïve"` is the two tokens `"na"` and `"ve"` where scikit-learn's
//! Unicode `\w` sees one), and so they are here: the pattern is rewritten before it is
//! compiled ([`re2_pattern`]).

use regex_automata::nfa::thompson::pikevm::{Cache, PikeVM};
use regex_automata::util::syntax;
use regex_automata::{Anchored, Input, MatchKind};
use regex_syntax::ast::{self, Ast};
use tract_onnx::model::{OnnxOpRegister, ParsingContext};
use tract_onnx::pb::NodeProto;
use tract_onnx::tract_hir::internal::*;

use super::kernel::{boxed, Kernel, OutShape, OutputSpec};

/// Registers the operator.
pub fn register(reg: &mut OnnxOpRegister) {
    reg.insert("Tokenizer", build);
}

/// onnxruntime's start and end of text markers (`mark` = 1).
const START: &str = "\u{2}";
const END: &str = "\u{3}";

/// One regular expression, compiled for the two searches a leftmost-longest match needs.
#[derive(Debug, Clone)]
pub struct Re2 {
    pattern: String,
    /// Leftmost-first, unanchored: where the leftmost match starts.
    first: PikeVM,
    /// All matches, anchored: the longest match from a given start.
    longest: PikeVM,
}

impl PartialEq for Re2 {
    fn eq(&self, other: &Re2) -> bool {
        self.pattern == other.pattern
    }
}

impl Re2 {
    /// Compiles an RE2 pattern.
    ///
    /// # Errors
    /// A pattern this crate's regex engine cannot read, or RE2 syntax it does not have.
    pub fn new(pattern: &str) -> TractResult<Re2> {
        let rewritten = re2_pattern(pattern)?;
        let build = |kind: MatchKind| {
            PikeVM::builder()
                .syntax(syntax::Config::new().utf8(true).unicode(true))
                .configure(PikeVM::config().match_kind(kind))
                .build(&rewritten)
                .map_err(|e| format_err!("regular expression {pattern:?}: {e}"))
        };
        Ok(Re2 {
            pattern: pattern.to_string(),
            first: build(MatchKind::LeftmostFirst)?,
            longest: build(MatchKind::All)?,
        })
    }

    /// The leftmost-longest match in `text[start..]` (with `text` before it as context, as
    /// RE2's `Match` with a start position), as a byte range.
    fn find(
        &self,
        caches: &mut (Cache, Cache),
        text: &str,
        start: usize,
    ) -> Option<(usize, usize)> {
        let m = self
            .first
            .find(&mut caches.0, Input::new(text).range(start..))?;
        let longest = self.longest.find(
            &mut caches.1,
            Input::new(text).range(m.start()..).anchored(Anchored::Yes),
        );
        Some((m.start(), longest.map_or(m.end(), |l| l.end().max(m.end()))))
    }

    fn caches(&self) -> (Cache, Cache) {
        (self.first.create_cache(), self.longest.create_cache())
    }
}

/// How strings are split.
#[derive(Debug, Clone, PartialEq)]
pub enum Split {
    /// One token per character (`tokenexp` `"."` or one empty separator).
    Chars,
    /// The tokens are the matches of `tokenexp`.
    Expression(Re2),
    /// The tokens are what lies between matches of the separators, applied in order.
    Separators(Vec<Re2>),
}

/// A parsed `Tokenizer`.
#[derive(Debug, Clone, PartialEq)]
pub struct Tokenizer {
    mark: bool,
    pad: String,
    /// Tokens shorter than this (in code points) are dropped.
    mincharnum: usize,
    split: Split,
    /// The symbol of the token count of the longest row.
    tokens: Symbol,
}

fn build(
    ctx: &ParsingContext,
    node: &NodeProto,
) -> TractResult<(Box<dyn InferenceOp>, Vec<String>)> {
    boxed(Tokenizer::parse(
        node,
        ctx.template.symbols.new_with_prefix("tokens"),
    )?)
}

impl Tokenizer {
    /// Reads a `Tokenizer` node's attributes; `tokens` names the longest row's token count.
    ///
    /// # Errors
    /// Missing or invalid attributes, a pattern RE2 would refuse.
    pub fn parse(node: &NodeProto, tokens: Symbol) -> TractResult<Tokenizer> {
        let mark = node.get_attr::<i64>("mark")? != 0;
        let pad = node.get_attr::<String>("pad_value")?;
        let mincharnum = node.get_attr::<i64>("mincharnum")?;
        node.expect(mincharnum > 0, "mincharnum positive")?;
        let mincharnum = usize::try_from(mincharnum)?;
        let split = match node.get_attr_opt_vec::<String>("separators")? {
            Some(seps) => {
                node.expect(!seps.is_empty(), "separators not empty")?;
                if seps.len() == 1 && seps[0].is_empty() {
                    Split::Chars
                } else {
                    Split::Separators(
                        seps.iter()
                            .map(|s| Re2::new(s))
                            .collect::<TractResult<_>>()?,
                    )
                }
            }
            None => {
                let exp = node
                    .get_attr_opt::<String>("tokenexp")?
                    .with_context(|| format!("{}: needs separators or tokenexp", node.name))?;
                node.expect(!exp.is_empty(), "tokenexp not empty")?;
                if exp == "." {
                    Split::Chars
                } else {
                    Split::Expression(Re2::new(&exp)?)
                }
            }
        };
        if split == Split::Chars && mincharnum > 1 {
            bail!(
                "{}: mincharnum {mincharnum} is too big for character tokens",
                node.name
            );
        }
        Ok(Tokenizer {
            mark,
            pad,
            mincharnum,
            split,
            tokens,
        })
    }

    /// The tokens of one string, as the operator splits it (without markers or padding).
    pub fn tokens<'s>(&self, s: &'s str) -> Vec<&'s str> {
        let mut caches: Vec<(Cache, Cache)> = match &self.split {
            Split::Chars => vec![],
            Split::Expression(re) => vec![re.caches()],
            Split::Separators(seps) => seps.iter().map(Re2::caches).collect(),
        };
        self.tokenize(s, &mut caches)
    }
}

fn chars(s: &str) -> usize {
    s.chars().count()
}

/// The byte length of the character at `at` (at least 1, so a search always advances).
fn char_len(s: &str, at: usize) -> usize {
    s.get(at..)
        .and_then(|r| r.chars().next())
        .map_or(1, char::len_utf8)
}

impl Tokenizer {
    /// The tokens of one string, as onnxruntime finds them.
    fn tokenize<'s>(&self, s: &'s str, caches: &mut [(Cache, Cache)]) -> Vec<&'s str> {
        match &self.split {
            Split::Chars => s
                .char_indices()
                .map(|(i, c)| &s[i..i + c.len_utf8()])
                .collect(),
            Split::Expression(re) => {
                let mut row = Vec::new();
                if chars(s) < self.mincharnum {
                    return row;
                }
                let mut start = 0;
                while start <= s.len() {
                    let Some((m0, m1)) = re.find(&mut caches[0], s, start) else {
                        break;
                    };
                    let token = &s[m0..m1];
                    if chars(token) >= self.mincharnum {
                        row.push(token);
                        start = m1;
                    } else {
                        // Too short (or empty): skip one character from the match start.
                        start = m0 + char_len(s, m0);
                    }
                }
                row
            }
            Split::Separators(seps) => {
                let mut row = vec![s];
                for (sep, cache) in seps.iter().zip(caches.iter_mut()) {
                    let mut next = Vec::new();
                    for text in &row {
                        let mut start = 0;
                        loop {
                            match sep.find(cache, text, start) {
                                Some((m0, m1)) => {
                                    if chars(&text[start..m0]) >= self.mincharnum {
                                        next.push(&text[start..m0]);
                                    }
                                    start = if m1 > m0 { m1 } else { m0 + char_len(text, m0) };
                                    if start > text.len() {
                                        break;
                                    }
                                }
                                None => {
                                    if chars(&text[start..]) >= self.mincharnum {
                                        next.push(&text[start..]);
                                    }
                                    break;
                                }
                            }
                        }
                    }
                    // onnxruntime stops, with no tokens, as soon as a separator leaves none.
                    if next.is_empty() {
                        return next;
                    }
                    row = next;
                }
                row
            }
        }
    }
}

impl Kernel for Tokenizer {
    fn name(&self) -> &'static str {
        "Tokenizer"
    }

    fn outputs(&self, _input: Option<&[usize]>) -> TractResult<TVec<OutputSpec>> {
        Ok(tvec![OutputSpec {
            dtype: String::datum_type(),
            trailing: tvec![],
            shape: OutShape::Custom,
        }])
    }

    fn custom_shape(&self, _output: usize, input: &[TDim]) -> TractResult<TVec<TDim>> {
        let mut shape: TVec<TDim> = input.iter().cloned().collect();
        shape.push(self.tokens.to_dim());
        Ok(shape)
    }

    fn mints_runtime_symbols(&self) -> bool {
        true
    }

    fn eval(&self, inputs: &[TValue]) -> TractResult<TVec<Tensor>> {
        let x = inputs.first().context("Tokenizer: no input")?;
        if !matches!(x.rank(), 1 | 2) {
            bail!(
                "Tokenizer: input shape {:?}: only [C] or [N, C] (as onnxruntime)",
                x.shape()
            );
        }
        let view = x.to_plain_array_view::<String>()?;
        let mut caches: Vec<(Cache, Cache)> = match &self.split {
            Split::Chars => vec![],
            Split::Expression(re) => vec![re.caches()],
            Split::Separators(seps) => seps.iter().map(Re2::caches).collect(),
        };
        let rows: Vec<Vec<&str>> = view.iter().map(|s| self.tokenize(s, &mut caches)).collect();
        let longest = rows.iter().map(Vec::len).max().unwrap_or(0);
        let mut shape: TVec<usize> = x.shape().into();
        // No token anywhere: onnxruntime's output has a last axis of 0, without markers.
        if longest == 0 {
            shape.push(0);
            return Ok(tvec![Tensor::zero_dt(String::datum_type(), &shape)?]);
        }
        let width = longest + if self.mark { 2 } else { 0 };
        shape.push(width);
        let mut out = Vec::with_capacity(rows.len() * width);
        for row in &rows {
            if self.mark {
                out.push(START.to_string());
            }
            out.extend(row.iter().map(|t| t.to_string()));
            if self.mark {
                out.push(END.to_string());
            }
            out.extend(std::iter::repeat_n(self.pad.clone(), longest - row.len()));
        }
        Ok(tvec![
            tract_ndarray::ArrayD::from_shape_vec(&*shape, out)?.into_tensor()
        ])
    }
}

/// An RE2 pattern rewritten for regex-automata so that it means what it means to RE2.
///
/// RE2's `\d`, `\s`, `\w` (and their negations) are ASCII classes, and `\b`/`\B` ASCII
/// word boundaries; regex-automata's are Unicode. Each is replaced by its explicit ASCII
/// class (`[0-9A-Za-z_]`) or wrapped as `(?-u:\b)`. The `u` flag, which RE2 does not have,
/// is refused as RE2 refuses it.
///
/// # Errors
/// A pattern that does not parse, or uses the `u` flag.
pub fn re2_pattern(pattern: &str) -> TractResult<String> {
    let mut tree = ast::parse::Parser::new()
        .parse(pattern)
        .map_err(|e| format_err!("regular expression {pattern:?}: {e}"))?;
    rewrite(&mut tree, pattern)?;
    let mut out = String::new();
    ast::print::Printer::new()
        .print(&tree, &mut out)
        .map_err(|e| format_err!("regular expression {pattern:?}: {e}"))?;
    Ok(out)
}

fn span() -> ast::Span {
    ast::Span::splat(ast::Position::new(0, 1, 1))
}

fn lit(c: u8) -> ast::Literal {
    ast::Literal {
        span: span(),
        kind: ast::LiteralKind::HexFixed(ast::HexLiteralKind::X),
        c: char::from(c),
    }
}

/// RE2's ASCII class for a Perl class, as a bracketed class.
fn ascii_class(perl: &ast::ClassPerl) -> ast::ClassBracketed {
    let ranges: &[(u8, u8)] = match perl.kind {
        ast::ClassPerlKind::Digit => &[(b'0', b'9')],
        ast::ClassPerlKind::Space => &[(b'\t', b'\n'), (0x0c, b'\r'), (b' ', b' ')],
        ast::ClassPerlKind::Word => &[(b'0', b'9'), (b'A', b'Z'), (b'_', b'_'), (b'a', b'z')],
    };
    let items = ranges
        .iter()
        .map(|&(a, b)| {
            if a == b {
                ast::ClassSetItem::Literal(lit(a))
            } else {
                ast::ClassSetItem::Range(ast::ClassSetRange {
                    span: span(),
                    start: lit(a),
                    end: lit(b),
                })
            }
        })
        .collect();
    ast::ClassBracketed {
        span: span(),
        negated: perl.negated,
        kind: ast::ClassSet::Item(ast::ClassSetItem::Union(ast::ClassSetUnion {
            span: span(),
            items,
        })),
    }
}

fn rewrite(tree: &mut Ast, pattern: &str) -> TractResult<()> {
    match tree {
        Ast::ClassPerl(perl) => {
            let class = ascii_class(perl);
            *tree = Ast::class_bracketed(class);
        }
        Ast::ClassBracketed(b) => rewrite_set(&mut b.kind),
        Ast::Assertion(a)
            if matches!(
                a.kind,
                ast::AssertionKind::WordBoundary | ast::AssertionKind::NotWordBoundary
            ) =>
        {
            let inner = Ast::assertion(ast::Assertion {
                span: span(),
                kind: a.kind.clone(),
            });
            *tree = Ast::group(ast::Group {
                span: span(),
                kind: ast::GroupKind::NonCapturing(ast::Flags {
                    span: span(),
                    items: vec![
                        ast::FlagsItem {
                            span: span(),
                            kind: ast::FlagsItemKind::Negation,
                        },
                        ast::FlagsItem {
                            span: span(),
                            kind: ast::FlagsItemKind::Flag(ast::Flag::Unicode),
                        },
                    ],
                }),
                ast: Box::new(inner),
            });
        }
        Ast::Flags(f) => check_flags(&f.flags, pattern)?,
        Ast::Group(g) => {
            if let ast::GroupKind::NonCapturing(flags) = &g.kind {
                check_flags(flags, pattern)?;
            }
            rewrite(&mut g.ast, pattern)?;
        }
        Ast::Repetition(r) => rewrite(&mut r.ast, pattern)?,
        Ast::Alternation(a) => {
            for t in &mut a.asts {
                rewrite(t, pattern)?;
            }
        }
        Ast::Concat(c) => {
            for t in &mut c.asts {
                rewrite(t, pattern)?;
            }
        }
        _ => {}
    }
    Ok(())
}

fn check_flags(flags: &ast::Flags, pattern: &str) -> TractResult<()> {
    if flags
        .items
        .iter()
        .any(|i| i.kind == ast::FlagsItemKind::Flag(ast::Flag::Unicode))
    {
        bail!(
            "regular expression {pattern:?}: the `u` flag is not RE2 syntax (onnxruntime \
             refuses it); export with a token pattern RE2 reads, e.g. `[a-zA-Z0-9_]+`"
        );
    }
    Ok(())
}

fn rewrite_set(set: &mut ast::ClassSet) {
    match set {
        ast::ClassSet::Item(item) => rewrite_item(item),
        ast::ClassSet::BinaryOp(op) => {
            rewrite_set(&mut op.lhs);
            rewrite_set(&mut op.rhs);
        }
    }
}

fn rewrite_item(item: &mut ast::ClassSetItem) {
    match item {
        ast::ClassSetItem::Perl(perl) => {
            let class = ascii_class(perl);
            *item = ast::ClassSetItem::Bracketed(Box::new(class));
        }
        ast::ClassSetItem::Bracketed(b) => rewrite_set(&mut b.kind),
        ast::ClassSetItem::Union(u) => u.items.iter_mut().for_each(rewrite_item),
        _ => {}
    }
}

#[cfg(test)]
mod tests;
