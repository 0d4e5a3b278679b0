//! Model-local functions (`ModelProto.functions`, ONNX IR 8+) inlined before tract sees the
//! graph: skl2onnx's `KNNImputer` export calls nine of them (domain `local_domain`), some from
//! inside `If` branches and from other functions.
//!
//! tract's protobuf types predate model-local functions, so decoding a model with them drops
//! the bodies silently; [`inline`] reads them from the same bytes with a message of our own
//! that only knows `ModelProto` field 25 and the function fields, then replaces every node
//! whose `(domain, op_type)` names a function by a copy of its body:
//!
//! * formal inputs and outputs become the call's actual names (an omitted optional input is
//!   `""`, as in ONNX; an output the call does not name gets an internal name);
//! * every other value and node name in the body, subgraphs included, gets a per-call prefix
//!   (`{function}__inlined{call}/`), so two calls never share a value;
//! * attributes that refer to the function's (`ref_attr_name`) take the call's value, else the
//!   function's default (`attribute_proto`), else are left out, as ONNX specifies;
//! * the copy is expanded again (functions calling functions, calls inside `If`/`Loop`/`Scan`
//!   bodies), refusing a function that reaches itself, and bounded in size.
//!
//! A function body binds its operators to its own opset imports, but tract parses every node
//! with the model's `ai.onnx` version. Inlining a body whose `ai.onnx` version differs from the
//! model's is only sound if no operator it uses changed form between the two versions; one
//! that did is refused by name (see [`FORM_CHANGES`]).

use std::collections::{BTreeMap, HashMap, HashSet};

use thiserror::Error;
use tract_onnx::pb::{AttributeProto, GraphProto, ModelProto, NodeProto, OperatorSetIdProto};

/// At most this many nodes, in total over every graph, after inlining: nested calls multiply
/// (a function calling another twice, ten levels deep, is 1024 copies), and a small file must
/// not expand into an unbounded graph.
pub const MAX_INLINED_NODES: usize = 200_000;

/// Why the model-local functions could not be inlined.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum FunctionError {
    /// The functions could not be decoded.
    #[error("the model's local functions are not valid protobuf: {detail}")]
    Invalid {
        /// The decoder's message.
        detail: String,
    },
    /// Two functions have the same domain and name.
    #[error("local function {domain}:{name} is defined twice; a model-local function must be unique by domain and name")]
    Duplicate {
        /// Function domain.
        domain: String,
        /// Function name.
        name: String,
    },
    /// A function with an `overload` (IR 10), which calls would select by a node field the
    /// decoder does not read.
    #[error("local function {domain}:{name} has overload {overload:?}, which sealed-onnx cannot resolve; export it without overloads")]
    Overloaded {
        /// Function domain.
        domain: String,
        /// Function name.
        name: String,
        /// The overload name.
        overload: String,
    },
    /// A function reaches itself through its calls.
    #[error("local function {} calls itself ({}); ONNX functions cannot be recursive", cycle.first().map(String::as_str).unwrap_or("?"), cycle.join(" -> "))]
    Recursive {
        /// The calls, from the function back to itself, as `domain:name`.
        cycle: Vec<String>,
    },
    /// A call passes more inputs or asks for more outputs than the function has.
    #[error("node {node:?} calls local function {function} with {got} {what}, but it declares {declared}")]
    Arity {
        /// The calling node's name.
        node: String,
        /// `domain:name`.
        function: String,
        /// `inputs` or `outputs`.
        what: &'static str,
        /// How many the call has.
        got: usize,
        /// How many the function declares.
        declared: usize,
    },
    /// A function body uses an operator whose form differs between its `ai.onnx` version and
    /// the model's.
    #[error("local function {function} imports ai.onnx {function_version} and uses {op_type}, which changed form by ai.onnx {changed_at}, but the model imports ai.onnx {model_version}; re-export with one opset for the model and its functions")]
    OpsetMismatch {
        /// `domain:name`.
        function: String,
        /// The operator.
        op_type: String,
        /// The function's `ai.onnx` version.
        function_version: i64,
        /// The model's `ai.onnx` version.
        model_version: i64,
        /// The version at which the operator changed, between the two.
        changed_at: i64,
    },
    /// Inlining would produce more nodes than [`MAX_INLINED_NODES`].
    #[error("inlining the model's local functions gives more than {limit} nodes; the model is too large to run")]
    TooLarge {
        /// The limit.
        limit: usize,
    },
}

/// Default-domain operators whose inputs or attributes changed form at these versions (tract
/// reads each by the model's version): a body imported at a version on the other side of one
/// of these from the model's cannot be read with the model's version.
pub const FORM_CHANGES: &[(&str, &[i64])] = &[
    ("Clip", &[11]),
    ("DFT", &[20]),
    ("GridSample", &[20]),
    ("GroupNormalization", &[21]),
    ("Hardmax", &[13]),
    ("LogSoftmax", &[13]),
    ("Pad", &[11]),
    ("ReduceL1", &[18]),
    ("ReduceL2", &[18]),
    ("ReduceLogSum", &[18]),
    ("ReduceLogSumExp", &[18]),
    ("ReduceMax", &[18]),
    ("ReduceMean", &[18]),
    ("ReduceMin", &[18]),
    ("ReduceProd", &[18]),
    ("ReduceSum", &[13]),
    ("ReduceSumSquare", &[18]),
    ("Resize", &[11, 13]),
    ("Slice", &[10]),
    ("Softmax", &[13]),
    ("Split", &[13, 18]),
    ("Squeeze", &[13]),
    ("TopK", &[10]),
    ("Unsqueeze", &[13]),
    ("Upsample", &[9]),
];

/// The part of `ModelProto` tract's types leave out: field 25.
#[derive(Clone, PartialEq, prost::Message)]
struct ModelFunctions {
    #[prost(message, repeated, tag = "25")]
    functions: Vec<Function>,
}

/// `FunctionProto` (onnx.proto, IR 10), with the fields tract's copy lacks.
#[derive(Clone, PartialEq, prost::Message)]
struct Function {
    #[prost(string, tag = "1")]
    name: String,
    #[prost(string, repeated, tag = "4")]
    input: Vec<String>,
    #[prost(string, repeated, tag = "5")]
    output: Vec<String>,
    #[prost(string, repeated, tag = "6")]
    attribute: Vec<String>,
    #[prost(message, repeated, tag = "11")]
    attribute_proto: Vec<AttributeProto>,
    #[prost(message, repeated, tag = "7")]
    node: Vec<NodeProto>,
    #[prost(message, repeated, tag = "9")]
    opset_import: Vec<OperatorSetIdProto>,
    #[prost(string, tag = "10")]
    domain: String,
    #[prost(string, tag = "13")]
    overload: String,
}

/// `(domain, name)`.
type Key = (String, String);

fn key_name((domain, name): &Key) -> String {
    format!("{domain}:{name}")
}

/// The `ai.onnx` version an opset list imports, as tract picks it (the first entry).
fn default_version(imports: &[OperatorSetIdProto]) -> Option<i64> {
    imports
        .iter()
        .find(|o| o.domain.is_empty() || o.domain == "ai.onnx")
        .map(|o| o.version)
}

/// Inlines every call of a model-local function in `proto` (decoded from `bytes`), in the
/// main graph and its subgraphs. A model without local functions is left untouched.
///
/// # Errors
/// [`FunctionError`]: undecodable or duplicate functions, overloads, recursion, a call with
/// too many inputs or outputs, an opset mismatch that changes an operator, or a graph that
/// would grow beyond [`MAX_INLINED_NODES`].
pub fn inline(bytes: &[u8], proto: &mut ModelProto) -> Result<(), FunctionError> {
    let decoded =
        <ModelFunctions as prost::Message>::decode(bytes).map_err(|e| FunctionError::Invalid {
            detail: e.to_string(),
        })?;
    if decoded.functions.is_empty() {
        return Ok(());
    }
    let model_version = default_version(&proto.opset_import);
    let mut functions = BTreeMap::new();
    for f in decoded.functions {
        let key = (f.domain.clone(), f.name.clone());
        if !f.overload.is_empty() {
            return Err(FunctionError::Overloaded {
                domain: key.0,
                name: key.1,
                overload: f.overload,
            });
        }
        if let (Some(fv), Some(mv)) = (default_version(&f.opset_import), model_version) {
            check_forms(&key, &f.node, fv, mv)?;
        }
        if functions.insert(key.clone(), f).is_some() {
            return Err(FunctionError::Duplicate {
                domain: key.0,
                name: key.1,
            });
        }
    }
    let Some(graph) = proto.graph.as_mut() else {
        return Ok(());
    };
    let mut used = HashSet::new();
    collect_names(graph, &mut used);
    for f in functions.values() {
        used.insert(f.name.clone());
        collect_node_names(&f.node, &mut used);
    }
    // Inlined names are `{function}{tag}{call}/{name}` with a tag no name in the model
    // contains (and that cannot overlap itself), so they are distinct from each other and
    // from every original name.
    let mut tag = String::from("__inlined");
    while used.iter().any(|u| u.contains(tag.as_str())) {
        tag.insert(0, '_');
    }
    let mut inliner = Inliner {
        functions: &functions,
        tag,
        calls: 0,
        nodes: 0,
    };
    inliner.graph(graph, &mut Vec::new())
}

/// Refuses a body whose operators changed form between its version and the model's.
fn check_forms(key: &Key, nodes: &[NodeProto], fv: i64, mv: i64) -> Result<(), FunctionError> {
    if fv == mv {
        return Ok(());
    }
    let (lo, hi) = (fv.min(mv), fv.max(mv));
    for node in nodes {
        if node.domain.is_empty() || node.domain == "ai.onnx" {
            let changes = FORM_CHANGES
                .iter()
                .find(|(op, _)| *op == node.op_type)
                .map_or(&[][..], |(_, v)| *v);
            if let Some(at) = changes.iter().find(|&&c| lo < c && c <= hi) {
                return Err(FunctionError::OpsetMismatch {
                    function: key_name(key),
                    op_type: node.op_type.clone(),
                    function_version: fv,
                    model_version: mv,
                    changed_at: *at,
                });
            }
        }
        for g in subgraphs(node) {
            check_forms(key, &g.node, fv, mv)?;
        }
    }
    Ok(())
}

fn subgraphs(node: &NodeProto) -> impl Iterator<Item = &GraphProto> {
    node.attribute
        .iter()
        .flat_map(|a| a.g.iter().chain(a.graphs.iter()))
}

fn subgraphs_mut(node: &mut NodeProto) -> impl Iterator<Item = &mut GraphProto> {
    node.attribute
        .iter_mut()
        .flat_map(|a| a.g.iter_mut().chain(a.graphs.iter_mut()))
}

/// Every value and node name in a graph and its subgraphs.
fn collect_names(graph: &GraphProto, used: &mut HashSet<String>) {
    used.extend(graph.input.iter().map(|v| v.name.clone()));
    used.extend(graph.output.iter().map(|v| v.name.clone()));
    used.extend(graph.value_info.iter().map(|v| v.name.clone()));
    used.extend(graph.initializer.iter().map(|t| t.name.clone()));
    collect_node_names(&graph.node, used);
}

fn collect_node_names(nodes: &[NodeProto], used: &mut HashSet<String>) {
    for node in nodes {
        used.insert(node.name.clone());
        used.extend(node.input.iter().cloned());
        used.extend(node.output.iter().cloned());
        for g in subgraphs(node) {
            collect_names(g, used);
        }
    }
}

struct Inliner<'a> {
    functions: &'a BTreeMap<Key, Function>,
    /// What separates a function's name from the call number in inlined names.
    tag: String,
    /// Calls inlined so far (numbers the prefixes).
    calls: usize,
    /// Nodes in the result so far.
    nodes: usize,
}

impl Inliner<'_> {
    fn graph(&mut self, graph: &mut GraphProto, stack: &mut Vec<Key>) -> Result<(), FunctionError> {
        let nodes = std::mem::take(&mut graph.node);
        graph.node = self.nodes(nodes, stack)?;
        Ok(())
    }

    /// Expands the calls among `nodes`, and inside their subgraphs.
    fn nodes(
        &mut self,
        nodes: Vec<NodeProto>,
        stack: &mut Vec<Key>,
    ) -> Result<Vec<NodeProto>, FunctionError> {
        let mut out = Vec::with_capacity(nodes.len());
        for mut node in nodes {
            let key = (node.domain.clone(), node.op_type.clone());
            let Some(function) = self.functions.get(&key) else {
                for g in subgraphs_mut(&mut node) {
                    self.graph(g, stack)?;
                }
                self.count(1)?;
                out.push(node);
                continue;
            };
            if let Some(start) = stack.iter().position(|k| *k == key) {
                let mut cycle: Vec<String> = stack[start..].iter().map(key_name).collect();
                cycle.push(key_name(&key));
                return Err(FunctionError::Recursive { cycle });
            }
            let body = self.instantiate(&key, function, &node)?;
            stack.push(key);
            out.extend(self.nodes(body, stack)?);
            stack.pop();
        }
        Ok(out)
    }

    fn count(&mut self, n: usize) -> Result<(), FunctionError> {
        self.nodes += n;
        if self.nodes > MAX_INLINED_NODES {
            return Err(FunctionError::TooLarge {
                limit: MAX_INLINED_NODES,
            });
        }
        Ok(())
    }

    /// A fresh copy of `function`'s body for the call `node`.
    fn instantiate(
        &mut self,
        key: &Key,
        function: &Function,
        node: &NodeProto,
    ) -> Result<Vec<NodeProto>, FunctionError> {
        let arity = |what, got: usize, declared: usize| {
            if got > declared {
                Err(FunctionError::Arity {
                    node: node.name.clone(),
                    function: key_name(key),
                    what,
                    got,
                    declared,
                })
            } else {
                Ok(())
            }
        };
        arity("inputs", node.input.len(), function.input.len())?;
        arity("outputs", node.output.len(), function.output.len())?;
        self.calls += 1;
        let prefix = format!("{}{}{}/", function.name, self.tag, self.calls);
        let mut renames = Renames {
            map: HashMap::new(),
            prefix,
        };
        for (ix, formal) in function.input.iter().enumerate() {
            let actual = node.input.get(ix).cloned().unwrap_or_default();
            renames.map.insert(formal.clone(), actual);
        }
        for (formal, actual) in function.output.iter().zip(&node.output) {
            // An output the caller leaves unnamed ("") still needs a name inside the body.
            if !actual.is_empty() {
                renames.map.insert(formal.clone(), actual.clone());
            }
        }
        let mut body = function.node.clone();
        for n in &mut body {
            renames.node(n);
            substitute_attributes(n, node, function);
        }
        Ok(body)
    }
}

/// One call's renaming: formal names to actual ones, everything else prefixed.
struct Renames {
    map: HashMap<String, String>,
    prefix: String,
}

impl Renames {
    fn name(&mut self, name: &mut String) {
        if name.is_empty() {
            return;
        }
        let new = self
            .map
            .entry(name.clone())
            .or_insert_with(|| format!("{}{name}", self.prefix));
        name.clone_from(new);
    }

    fn node(&mut self, node: &mut NodeProto) {
        node.input.iter_mut().for_each(|n| self.name(n));
        node.output.iter_mut().for_each(|n| self.name(n));
        if !node.name.is_empty() {
            node.name = format!("{}{}", self.prefix, node.name);
        }
        for g in subgraphs_mut(node) {
            self.graph(g);
        }
    }

    fn graph(&mut self, graph: &mut GraphProto) {
        graph.input.iter_mut().for_each(|v| self.name(&mut v.name));
        graph.output.iter_mut().for_each(|v| self.name(&mut v.name));
        graph
            .value_info
            .iter_mut()
            .for_each(|v| self.name(&mut v.name));
        graph
            .initializer
            .iter_mut()
            .for_each(|t| self.name(&mut t.name));
        for n in &mut graph.node {
            self.node(n);
        }
    }
}

/// Replaces the attributes of `node` (a body node, subgraphs included) that refer to the
/// function's: by the call's value, else the function's default, else nothing.
fn substitute_attributes(node: &mut NodeProto, call: &NodeProto, function: &Function) {
    let attrs = std::mem::take(&mut node.attribute);
    node.attribute = attrs
        .into_iter()
        .filter_map(|mut a| {
            if a.ref_attr_name.is_empty() {
                if let Some(g) = a.g.as_mut() {
                    substitute_in_graph(g, call, function);
                }
                for g in &mut a.graphs {
                    substitute_in_graph(g, call, function);
                }
                return Some(a);
            }
            let value = call
                .attribute
                .iter()
                .find(|c| c.name == a.ref_attr_name)
                .or_else(|| {
                    function
                        .attribute_proto
                        .iter()
                        .find(|d| d.name == a.ref_attr_name)
                })?;
            let mut value = value.clone();
            value.name = std::mem::take(&mut a.name);
            value.ref_attr_name.clear();
            Some(value)
        })
        .collect();
}

fn substitute_in_graph(graph: &mut GraphProto, call: &NodeProto, function: &Function) {
    for n in &mut graph.node {
        substitute_attributes(n, call, function);
    }
}

#[cfg(test)]
mod tests;
