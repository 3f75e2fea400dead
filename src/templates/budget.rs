//! The budget of one render: Tera has no step, memory or time limit, and templates come from
//! pull requests, so a loop over `range(end=100000)` nested three deep, or `{% set_global s =
//! s ~ s %}` forty times, would hang the build or exhaust memory.
//!
//! One budget per render, counted on the rendering thread, that neither templates nor content
//! can lift: [`MAX_STEPS`] steps (each loop turn, macro call, include or block entered, and each
//! number a `range` makes) and [`MAX_BYTES`] bytes of values made (every byte the page writes
//! ([`Counted`]), every value stored by `set`, handed to a macro, returned by a filter or
//! function, or printed where Tera keeps the output in memory before writing it: in a macro, a
//! filter section or a template that is included; and the text of each body entered), values
//! nested at most [`MAX_DEPTH`] deep, and [`DEADLINE`] of wall-clock time as a last resort.
//! Templates are instrumented once, when compiled ([`instrument`]): a call without arguments
//! to a function of its own (`__faqsite_tick_<place>`) at the start of every body that can run
//! many times, a filter of its own (`__faqsite_size_<place>`) on the values charged; every
//! filter and function is wrapped ([`charge_filters_and_functions`]), and the few that can make
//! much more than they are given (`range`, `replace`, `indent`, `join`, `split`) are checked
//! before they run. A template that goes over is an error at its file and line ([`Breach`]),
//! in seconds. The calls cost about a tenth of Tera's time, 1 % of a build (each call's
//! arguments and the copy a filter returned were a third of Tera's time before the calls took
//! no arguments and the writer counted what is printed straight to the page).

use std::cell::Cell;
use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;
use std::time::{Duration, Instant};

use tera::ast::{Block, Expr, ExprVal, FunctionCall, If, MacroDefinition, Node, WS};
use tera::{Filter, Function, Template, Tera, Value};

/// Steps one render may take: loop turns, macro calls, includes, blocks, `range` items. The
/// most any page of a generated 10,000-question site took was 20,401 (print.html).
pub const MAX_STEPS: u64 = 1_000_000;
/// Bytes of values one render may make (printed, stored, passed, returned by filters): the
/// most any page of a generated 10,000-question site made was 6.8 MB (print.html).
pub const MAX_BYTES: u64 = 256 << 20;
/// How deep a value a template makes may nest (`{% set a = [a] %}` in a loop): deeper values
/// would overflow the stack when Tera drops them.
pub const MAX_DEPTH: usize = 64;
/// At most this many parts in one `~` chain or array literal: each part is a copy of a value.
pub const MAX_PARTS: usize = 64;
/// Wall-clock time one render may take, for what the counts above do not see (comparing large
/// values in a loop).
pub const DEADLINE: Duration = Duration::from_secs(60);

/// Which budget a render went over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Over {
    Steps,
    Bytes,
    Depth,
    Time,
}

/// A render that went over its budget: which one, and where (an index into
/// [`Instrumented::places`]; the last place the render passed).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Breach {
    pub over: Over,
    pub place: usize,
}

impl Breach {
    /// What went over, in words.
    pub fn message(&self) -> String {
        let what = match self.over {
            Over::Steps => format!(
                "more than {MAX_STEPS} steps (loop turns, macro calls, includes, range items)"
            ),
            Over::Bytes => format!("more than {} MB of text and values", MAX_BYTES >> 20),
            Over::Depth => format!("a value nested more than {MAX_DEPTH} levels deep"),
            Over::Time => format!("more than {} s", DEADLINE.as_secs()),
        };
        format!("the template went over the budget of one page here: {what}")
    }
}

thread_local! {
    static STEPS: Cell<u64> = const { Cell::new(0) };
    static BYTES: Cell<u64> = const { Cell::new(0) };
    static PLACE: Cell<usize> = const { Cell::new(0) };
    static OVER: Cell<Option<Over>> = const { Cell::new(None) };
    static STARTED: Cell<Option<Instant>> = const { Cell::new(None) };
    static CHARGES: Cell<u32> = const { Cell::new(0) };
}

/// The clock is read once every this many charges (reading it on each was 1 % of a build).
const CLOCK_EVERY: u32 = 64;

/// Starts a render's budget on this thread (a render runs on one thread).
pub fn start() {
    STEPS.set(0);
    BYTES.set(0);
    PLACE.set(0);
    OVER.set(None);
    STARTED.set(Some(Instant::now()));
}

/// The budget this thread's last render went over, if it did.
pub fn breach() -> Option<Breach> {
    OVER.get().map(|over| Breach {
        over,
        place: PLACE.get(),
    })
}

fn over(what: Over) -> tera::Error {
    OVER.set(Some(what));
    tera::Error::msg(
        Breach {
            over: what,
            place: 0,
        }
        .message(),
    )
}

/// Counts `steps` and `bytes` against this render's budget.
fn charge(steps: u64, bytes: u64) -> tera::Result<()> {
    let s = STEPS.get().saturating_add(steps);
    let b = BYTES.get().saturating_add(bytes);
    STEPS.set(s);
    BYTES.set(b);
    if s > MAX_STEPS {
        return Err(over(Over::Steps));
    }
    if b > MAX_BYTES {
        return Err(over(Over::Bytes));
    }
    // A step may cost much (comparing large values): the clock is read every few charges.
    let n = CHARGES.get().wrapping_add(1);
    CHARGES.set(n);
    if n.is_multiple_of(CLOCK_EVERY) && STARTED.get().is_some_and(|t| t.elapsed() > DEADLINE) {
        return Err(over(Over::Time));
    }
    Ok(())
}

/// The bytes a value takes (roughly what it costs to make and hold), walked without recursion;
/// an error when it nests deeper than [`MAX_DEPTH`].
fn size(value: &Value) -> tera::Result<u64> {
    // Most values are text: no walk.
    match value {
        Value::String(s) => return Ok(24 + s.len() as u64),
        Value::Array(_) | Value::Object(_) => {}
        _ => return Ok(16),
    }
    let mut total = 0u64;
    let mut todo = vec![(value, 0usize)];
    while let Some((v, depth)) = todo.pop() {
        if depth > MAX_DEPTH {
            return Err(over(Over::Depth));
        }
        total += match v {
            Value::String(s) => 24 + s.len() as u64,
            Value::Array(items) => {
                todo.extend(items.iter().map(|x| (x, depth + 1)));
                24
            }
            Value::Object(map) => {
                todo.extend(map.values().map(|x| (x, depth + 1)));
                48 + map.keys().map(|k| 24 + k.len() as u64).sum::<u64>()
            }
            _ => 16,
        };
    }
    Ok(total)
}

fn arg_usize(args: &HashMap<String, Value>, name: &str) -> Option<u64> {
    args.get(name).and_then(Value::as_u64)
}

fn arg_len(args: &HashMap<String, Value>, name: &str, default: usize) -> u64 {
    args.get(name)
        .and_then(Value::as_str)
        .map_or(default, str::len) as u64
}

/// What a filter or function that can make much more than it is given would make, counted
/// before it runs.
fn estimate(name: &str, value: &Value, args: &HashMap<String, Value>) -> (u64, u64) {
    let text = value.as_str().unwrap_or_default();
    let count = |pat: &str| {
        if pat.is_empty() {
            text.chars().count() as u64 + 1
        } else {
            text.matches(pat).count() as u64
        }
    };
    let pattern = |key: &str| args.get(key).and_then(Value::as_str).unwrap_or_default();
    match name {
        "range" => {
            let start = arg_usize(args, "start").unwrap_or(0);
            let end = arg_usize(args, "end").unwrap_or(0);
            let step = arg_usize(args, "step_by").unwrap_or(1).max(1);
            let n = end.saturating_sub(start) / step;
            (n, n.saturating_mul(16))
        }
        "replace" => (
            0,
            count(pattern("from")).saturating_mul(arg_len(args, "to", 0)),
        ),
        "indent" => (0, count("\n").saturating_mul(arg_len(args, "prefix", 4))),
        "split" => (0, count(pattern("pat")).saturating_mul(24)),
        "join" => {
            let n = value.as_array().map_or(0, Vec::len) as u64;
            (0, n.saturating_mul(arg_len(args, "sep", 0)))
        }
        _ => (0, 0),
    }
}

/// A filter whose result is charged, and checked before it runs when it can make much more than
/// it is given.
struct ChargedFilter(String, Arc<dyn Filter>);

impl Filter for ChargedFilter {
    fn filter(&self, value: &Value, args: &HashMap<String, Value>) -> tera::Result<Value> {
        let (steps, bytes) = estimate(&self.0, value, args);
        charge(steps, bytes)?;
        let made = self.1.filter(value, args)?;
        charge(0, size(&made)?)?;
        Ok(made)
    }

    fn is_safe(&self) -> bool {
        self.1.is_safe()
    }
}

/// A function whose result is charged (`range`: its length before it runs).
struct ChargedFunction(String, Arc<dyn Function>);

impl Function for ChargedFunction {
    fn call(&self, args: &HashMap<String, Value>) -> tera::Result<Value> {
        let (steps, bytes) = estimate(&self.0, &Value::Null, args);
        charge(steps, bytes)?;
        let made = self.1.call(args)?;
        charge(0, size(&made)?)?;
        Ok(made)
    }

    fn is_safe(&self) -> bool {
        self.1.is_safe()
    }
}

/// Wraps every filter and function registered so far in a charge.
pub fn charge_filters_and_functions(tera: &mut Tera) {
    for (name, f) in tera.filters.iter_mut() {
        *f = Arc::new(ChargedFilter(name.clone(), f.clone()));
    }
    for (name, f) in tera.functions.iter_mut() {
        *f = Arc::new(ChargedFunction(name.clone(), f.clone()));
    }
}

const TICK: &str = "__faqsite_tick_";
const SIZE: &str = "__faqsite_size_";

/// Registers the function or filter each place [`instrument`] made calls: without arguments
/// (Tera makes a map of a call's arguments each time it is called).
pub fn register_places(tera: &mut Tera, places: &[Place]) {
    for (at, place) in places.iter().enumerate() {
        match place.2 {
            Some(bytes) => tera.register_function(&format!("{TICK}{at}"), Tick { at, bytes }),
            None => tera.register_filter(&format!("{SIZE}{at}"), Size { at }),
        }
    }
}

/// `__faqsite_tick_<at>()`: a body entered at place `at` holding `bytes` bytes of text.
struct Tick {
    at: usize,
    bytes: u64,
}

impl Function for Tick {
    fn call(&self, _: &HashMap<String, Value>) -> tera::Result<Value> {
        PLACE.set(self.at);
        charge(1, self.bytes)?;
        Ok(Value::Bool(false))
    }
}

/// `x | __faqsite_size_<at>`: `x` charged, unchanged.
struct Size {
    at: usize,
}

impl Filter for Size {
    fn filter(&self, value: &Value, _: &HashMap<String, Value>) -> tera::Result<Value> {
        PLACE.set(self.at);
        charge(0, size(value)?)?;
        Ok(value.clone())
    }
}

/// The page's output, each byte written charged: what a template prints straight to the page
/// is counted here rather than by a filter on each print.
pub struct Counted<'w, W>(pub &'w mut W);

impl<W: std::io::Write> std::io::Write for Counted<'_, W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        charge(0, buf.len() as u64).map_err(std::io::Error::other)?;
        self.0.write(buf)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.0.flush()
    }
}

/// A template's place for messages: (template name, line), and for a tick the bytes of text
/// of its body (`None`: a value charged there).
pub type Place = (String, usize, Option<u64>);

/// Template `tpl`, parsed from `text`, with the budget's calls put in, adding each place a
/// call names to `places`; `included`: the template is included by another (its prints may land
/// in a buffer Tera keeps, as in a macro, so they are charged). `Err(line)`: an expression with
/// more than [`MAX_PARTS`] parts.
pub fn instrument(
    mut tpl: Template,
    text: &str,
    included: bool,
    places: &mut Vec<Place>,
) -> Result<Template, usize> {
    let name = tpl.name.clone();
    let mut walk = Walk {
        name: &name,
        tags: tags(text),
        cursor: HashMap::new(),
        places,
        too_many: None,
        buffered: usize::from(included),
    };
    let start = walk.tick_node(1, &tpl.ast);
    walk.nodes(&mut tpl.ast);
    if let Some(line) = walk.too_many {
        return Err(line);
    }
    tpl.ast.insert(0, start);
    // Tera keeps copies of the blocks and macros beside the tree: copy the instrumented ones.
    tpl.blocks.clear();
    find_blocks(&tpl.ast, &mut tpl.blocks);
    for node in &tpl.ast {
        if let Node::MacroDefinition(_, m, _) = node {
            tpl.macros.insert(m.name.clone(), m.clone());
        }
    }
    Ok(tpl)
}

/// The names the `templates` include (`{% include %}`), wherever the include is.
pub fn included<'t>(templates: impl IntoIterator<Item = &'t Template>) -> BTreeSet<String> {
    fn walk(nodes: &[Node], out: &mut BTreeSet<String>) {
        for node in nodes {
            match node {
                Node::Include(_, names, _) => out.extend(names.iter().cloned()),
                Node::Block(_, b, _) => walk(&b.body, out),
                Node::Forloop(_, f, _) => {
                    walk(&f.body, out);
                    walk(f.empty_body.as_deref().unwrap_or_default(), out);
                }
                Node::MacroDefinition(_, m, _) => walk(&m.body, out),
                Node::FilterSection(_, f, _) => walk(&f.body, out),
                Node::If(i, _) => {
                    i.conditions.iter().for_each(|(_, _, b)| walk(b, out));
                    walk(i.otherwise.as_ref().map_or(&[][..], |(_, b)| b), out);
                }
                _ => {}
            }
        }
    }
    let mut out = BTreeSet::new();
    for tpl in templates {
        walk(&tpl.ast, &mut out);
    }
    out
}

fn find_blocks(ast: &[Node], blocks: &mut HashMap<String, Block>) {
    for node in ast {
        if let Node::Block(_, b, _) = node {
            blocks.insert(b.name.clone(), b.clone());
            find_blocks(&b.body, blocks);
        }
    }
}

/// Each tag of a template's text in order: its first word (`{{` for an expression) and line.
/// Raw blocks and comments are skipped.
fn tags(text: &str) -> Vec<(String, usize)> {
    let mut out = Vec::new();
    let mut from = 0;
    let mut raw = false;
    while let Some(i) = text[from..].find('{').map(|i| from + i) {
        let close = match text.get(i + 1..i + 2) {
            Some("%") => "%}",
            Some("{") if !raw => "}}",
            Some("#") if !raw => "#}",
            _ => {
                from = i + 1;
                continue;
            }
        };
        let end = text[i + 2..].find(close).map_or(text.len(), |e| i + 2 + e);
        let inner = text[i + 2..end].trim_start_matches(['-', ' ', '\t', '\r', '\n']);
        let word: String = inner
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        let line = text[..i].matches('\n').count() + 1;
        match (close, word.as_str()) {
            ("}}", _) => out.push(("{{".to_string(), line)),
            ("%}", "raw") => raw = true,
            ("%}", "endraw") => raw = false,
            ("%}", _) if !raw => out.push((word, line)),
            _ => {}
        }
        from = end;
    }
    out
}

struct Walk<'a> {
    name: &'a str,
    tags: Vec<(String, usize)>,
    /// Per kind of tag, where the next one is searched from.
    cursor: HashMap<&'static str, usize>,
    places: &'a mut Vec<Place>,
    too_many: Option<usize>,
    /// Inside this many macros, filter sections or an included template: what is printed goes
    /// to a buffer Tera keeps, not to the page's writer, so it is charged where printed.
    buffered: usize,
}

impl Walk<'_> {
    /// The line of the next tag of kind `word` (tags of each kind are met in the tree in the
    /// order of the text).
    fn line(&mut self, word: &'static str) -> usize {
        let from = self.cursor.get(word).copied().unwrap_or(0);
        let found = self.tags[from.min(self.tags.len())..]
            .iter()
            .position(|(w, _)| w == word || (word == "set" && w == "set_global"));
        match found {
            Some(k) => {
                self.cursor.insert(word, from + k + 1);
                self.tags[from + k].1
            }
            None => 0,
        }
    }

    fn place(&mut self, line: usize, tick: Option<u64>) -> usize {
        self.places.push((self.name.to_string(), line, tick));
        self.places.len() - 1
    }

    /// `{% if __faqsite_tick_<at>() %}{% endif %}` for a body at `line` (the place remembers
    /// the bytes of the body's text).
    fn tick_node(&mut self, line: usize, body: &[Node]) -> Node {
        let at = self.place(line, Some(text_bytes(body)));
        let call = FunctionCall {
            name: format!("{TICK}{at}"),
            args: HashMap::new(),
        };
        let cond = Expr::new(ExprVal::FunctionCall(call));
        Node::If(
            If {
                conditions: vec![(WS::default(), cond, vec![])],
                otherwise: None,
            },
            WS::default(),
        )
    }

    /// Puts `__faqsite_size_<at>` at the end of `e`'s filters (before a last `safe`).
    fn charge_expr(&mut self, e: &mut Expr, line: usize) {
        self.expr(e, line);
        let at = self.place(line, None);
        let call = FunctionCall {
            name: format!("{SIZE}{at}"),
            args: HashMap::new(),
        };
        let last_safe = e.filters.last().is_some_and(|f| f.name == "safe");
        let pos = e.filters.len() - usize::from(last_safe);
        // `default` must stay first.
        let pos = pos.max(usize::from(e.has_default_filter()));
        e.filters.insert(pos, call);
    }

    fn nodes(&mut self, nodes: &mut [Node]) {
        for n in nodes {
            self.node(n);
        }
    }

    fn node(&mut self, node: &mut Node) {
        match node {
            // Printed straight to the page: the writer counts it ([`Counted`]).
            Node::VariableBlock(_, e) if self.buffered == 0 => {
                let line = self.line("{{");
                self.expr(e, line);
            }
            Node::VariableBlock(_, e) => {
                let line = self.line("{{");
                self.charge_expr(e, line);
            }
            Node::Super => {
                self.line("{{");
            }
            Node::Set(_, set) => {
                let line = self.line("set");
                self.charge_expr(&mut set.value, line);
            }
            Node::Forloop(_, f, _) => {
                let line = self.line("for");
                self.expr(&mut f.container, line);
                self.body(line, &mut f.body);
                if let Some(empty) = &mut f.empty_body {
                    self.nodes(empty);
                }
            }
            Node::MacroDefinition(_, MacroDefinition { body, args, .. }, _) => {
                let line = self.line("macro");
                for e in args.values_mut().flatten() {
                    self.expr(e, line);
                }
                self.buffered += 1;
                self.body(line, body);
                self.buffered -= 1;
            }
            Node::Block(_, b, _) => {
                let line = self.line("block");
                self.body(line, &mut b.body);
            }
            Node::FilterSection(_, f, _) => {
                let line = self.line("filter");
                self.call(&mut f.filter, line);
                self.buffered += 1;
                self.nodes(&mut f.body);
                self.buffered -= 1;
            }
            Node::If(i, _) => {
                for (_, cond, body) in &mut i.conditions {
                    let line = self.line("if");
                    self.expr(cond, line);
                    self.nodes(body);
                }
                if let Some((_, body)) = &mut i.otherwise {
                    self.nodes(body);
                }
            }
            _ => {}
        }
    }

    /// A body that may run many times: its own tick first.
    fn body(&mut self, line: usize, body: &mut Vec<Node>) {
        self.nodes(body);
        let tick = self.tick_node(line, body);
        body.insert(0, tick);
    }

    fn call(&mut self, f: &mut FunctionCall, line: usize) {
        for a in f.args.values_mut() {
            self.expr(a, line);
        }
    }

    /// The expressions inside `e`: a macro's arguments are charged; too many parts are noted.
    fn expr(&mut self, e: &mut Expr, line: usize) {
        for f in &mut e.filters {
            self.call(f, line);
        }
        match &mut e.val {
            ExprVal::MacroCall(m) => {
                for a in m.args.values_mut() {
                    self.charge_expr(a, line);
                }
            }
            ExprVal::FunctionCall(f) => self.call(f, line),
            ExprVal::Array(items) => {
                self.parts(items.len(), line);
                items.iter_mut().for_each(|x| self.expr(x, line));
            }
            ExprVal::StringConcat(c) => {
                self.parts(c.values.len(), line);
                for v in &mut c.values {
                    let mut e = Expr::new(std::mem::replace(v, ExprVal::Bool(false)));
                    self.expr(&mut e, line);
                    *v = e.val;
                }
            }
            ExprVal::Math(m) => {
                self.expr(&mut m.lhs, line);
                self.expr(&mut m.rhs, line);
            }
            ExprVal::Logic(l) => {
                self.expr(&mut l.lhs, line);
                self.expr(&mut l.rhs, line);
            }
            ExprVal::In(i) => {
                self.expr(&mut i.lhs, line);
                self.expr(&mut i.rhs, line);
            }
            ExprVal::Test(t) => t.args.iter_mut().for_each(|a| self.expr(a, line)),
            _ => {}
        }
    }

    fn parts(&mut self, n: usize, line: usize) {
        if n > MAX_PARTS && self.too_many.is_none() {
            self.too_many = Some(line);
        }
    }
}

/// The bytes of text a body writes each time it runs (its `if` branches and filter sections
/// included; loops, macros and blocks in it count their own).
fn text_bytes(body: &[Node]) -> u64 {
    body.iter()
        .map(|n| match n {
            Node::Text(s) | Node::Raw(_, s, _) => s.len() as u64,
            Node::If(i, _) => {
                i.conditions
                    .iter()
                    .map(|(_, _, b)| text_bytes(b))
                    .sum::<u64>()
                    + i.otherwise.as_ref().map_or(0, |(_, b)| text_bytes(b))
            }
            Node::FilterSection(_, f, _) => text_bytes(&f.body),
            _ => 0,
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(name: &str, text: &str) -> Template {
        Template::new(name, None, text).unwrap()
    }

    fn tera(text: &str) -> (Tera, Vec<Place>) {
        let mut tera = Tera::default();
        charge_filters_and_functions(&mut tera);
        let mut places = Vec::new();
        let tpl = instrument(parse("t.html", text), text, false, &mut places).unwrap();
        register_places(&mut tera, &places);
        tera.templates.insert("t.html".into(), tpl);
        tera.build_inheritance_chains().unwrap();
        (tera, places)
    }

    fn render(text: &str) -> (Result<String, String>, Option<(Over, usize)>) {
        let (tera, places) = tera(text);
        start();
        let mut out = Vec::new();
        let r = tera
            .render_to("t.html", &tera::Context::new(), Counted(&mut out))
            .map(|()| String::from_utf8(out).unwrap())
            .map_err(|e| format!("{e:?}"));
        (r, breach().map(|b| (b.over, places[b.place].1)))
    }

    #[test]
    fn templates_render_as_before() {
        let text = "{% macro m(x) %}<{{ x }}>{% endmacro m %}{% set s = \"a\" ~ \"b\" %}\
                    {% for i in range(end=3) %}{{ i }}{% if i == 1 %}{{ self::m(x=s) | safe }}{% endif %}{% endfor %}\
                    {{ [1, 2] | join(sep=\",\") }}{{ \"x\" | default(value=\"y\") }}";
        let (r, over) = render(text);
        assert_eq!(r.unwrap(), "01<ab>21,2x");
        assert_eq!(over, None);
    }

    #[test]
    fn nested_loops_go_over_the_steps_at_their_line() {
        let text = "a\n{% for i in range(end=100000) %}\n{% for j in range(end=100000) %}\
                    {% for k in range(end=100000) %}{% endfor %}{% endfor %}{% endfor %}";
        let (r, over) = render(text);
        assert!(r.is_err());
        assert_eq!(over, Some((Over::Steps, 3)));
    }

    #[test]
    fn doubling_a_string_goes_over_the_bytes() {
        let text = "{% set_global s = \"0123456789\" %}\n".to_string()
            + &"{% set_global s = s ~ s %}\n".repeat(40);
        let (r, over) = render(&text);
        assert!(r.is_err());
        assert!(matches!(over, Some((Over::Bytes, l)) if l > 20), "{over:?}");
    }

    #[test]
    fn doubling_through_macros_and_filters_goes_over_the_bytes() {
        let mut text = "{% macro m0(x) %}{{ x }}{{ x }}{% endmacro m0 %}".to_string();
        for k in 1..40 {
            text += &format!(
                "{{% macro m{k}(x) %}}{{{{ self::m{j}(x=x) }}}}{{{{ self::m{j}(x=x) }}}}{{% endmacro m{k} %}}",
                j = k - 1
            );
        }
        // 1 KB: the bytes run out before the steps (a call each 1 KB made).
        text += &format!("{{{{ self::m39(x=\"{}\") }}}}", "a".repeat(1000));
        let (r, over) = render(&text);
        assert!(r.is_err());
        assert_eq!(over.map(|o| o.0), Some(Over::Bytes));
        let (r, over) = render(
            "{% set_global s = \"aaaaaaaaaa\" %}{% for i in range(end=30) %}\
             {% set_global s = s | replace(from=\"a\", to=s) %}{% endfor %}",
        );
        assert!(r.is_err());
        assert_eq!(over.map(|o| o.0), Some(Over::Bytes));
    }

    /// 10 MB in `s`, made by doubling (the doubling is charged: 20 MB).
    const TEN_MB: &str = "{% set_global s = \"0123456789\" %}{% for i in range(end=20) %}\
                          {% set_global s = s ~ s %}{% endfor %}";

    #[test]
    fn what_a_page_prints_is_counted_by_its_writer() {
        let text = format!("{TEN_MB}\n{{% for i in range(end=30) %}}{{{{ s }}}}{{% endfor %}}");
        let (r, over) = render(&text);
        assert!(r.is_err());
        assert_eq!(over.map(|o| o.0), Some(Over::Bytes));
        // 29 of them are a page of 290 MB: within the budget but for the value made.
        let text = format!("{TEN_MB}{{% for i in range(end=20) %}}{{{{ s }}}}{{% endfor %}}");
        assert_eq!(render(&text).0.map(|p| p.len()), Ok((20 * 10) << 20));
    }

    #[test]
    fn prints_of_an_included_template_are_charged_where_printed() {
        let sources = [
            ("i.html", "{% for i in range(end=30) %}{{ s }}{% endfor %}"),
            (
                "t.html",
                "{% macro m(s) %}{% include \"i.html\" %}{% endmacro m %}x",
            ),
        ];
        let parsed: Vec<Template> = sources.iter().map(|(n, t)| parse(n, t)).collect();
        let included = included(&parsed);
        assert_eq!(included, BTreeSet::from(["i.html".to_string()]));
        let mut tera = Tera::default();
        charge_filters_and_functions(&mut tera);
        let mut places = Vec::new();
        for (name, text) in sources {
            let t = instrument(
                parse(name, text),
                text,
                included.contains(name),
                &mut places,
            );
            tera.templates.insert(name.into(), t.unwrap());
        }
        let page = format!("{{% import \"t.html\" as t %}}{TEN_MB}{{{{ t::m(s=s) | length }}}}");
        let t = instrument(parse("p.html", &page), &page, false, &mut places);
        tera.templates.insert("p.html".into(), t.unwrap());
        register_places(&mut tera, &places);
        tera.build_inheritance_chains().unwrap();
        start();
        // The macro's 300 MB stay in Tera's buffer: only their length reaches the page.
        let r = tera.render_to("p.html", &tera::Context::new(), Counted(&mut Vec::new()));
        assert!(r.is_err(), "{r:?}");
        assert_eq!(breach().map(|b| b.over), Some(Over::Bytes));
    }

    #[test]
    fn a_value_nested_too_deep_is_refused() {
        let (r, over) = render(
            "{% set_global a = [] %}{% for i in range(end=100000) %}{% set_global a = [a] %}{% endfor %}",
        );
        assert!(r.is_err());
        assert_eq!(over.map(|o| o.0), Some(Over::Depth));
    }

    #[test]
    fn too_many_parts_in_one_expression_are_refused_at_their_line() {
        let text = format!("\n{{{{ {} }}}}", vec!["x"; 65].join(" ~ "));
        assert_eq!(
            instrument(parse("t", &text), &text, false, &mut Vec::new()).err(),
            Some(2)
        );
    }

    #[test]
    fn tags_skip_raw_blocks_and_comments() {
        let t = tags("{{ a }}\n{# {% for %} #}{% raw %}{% for x in y %}{{ b }}{% endraw %}\n{%- for x in y -%}");
        let words: Vec<_> = t.iter().map(|(w, l)| format!("{w}:{l}")).collect();
        assert_eq!(words, ["{{:1", "for:3"]);
    }
}
