//! The filter language: text to a syntax tree, with positions for error messages.
//!
//! ```text
//! filter  := or
//! or      := and ("OR" and)*
//! and     := unary (["AND"] unary)*          terms side by side are ANDed
//! unary   := ("-" | "NOT") unary | primary
//! primary := "(" or ")" | term
//! term    := word | word* | "a phrase" | #tag | key:value | key:val* | key:"a value"
//!          | key>value | key>=value | key<value | key<=value | key!=value
//!          | has:key | no:key | view:name
//!          | links:name | linked-by:name | has:links | no:links | has:backlinks | no:backlinks
//!          | parent:name | under:name | has:parent | no:parent | has:children | no:children
//!          | depth:N | depth<N | depth<=N | depth>N | depth>=N | depth!=N
//! ```
//!
//! The outline terms follow the outline `termdex tree` draws: `parent:X` the cards
//! directly under X, `under:X` those at any depth below it, `depth` the number of nodes
//! above a card (0 at the top). From the parent field they read the parent links the
//! index keeps (in and under a parent cycle, counted from the card where the outline
//! breaks it); from folders or dotted names, the cards' paths (`names.rs`), placeholders
//! counting as levels.
//!
//! `links`, `linked-by`, `has:links` and `has:backlinks` are about the link graph, not
//! frontmatter fields of those names (as `title:` and `path:` are the card's own).
//!
//! Hand-written rather than generated so that every error can say where it is and what
//! would have been valid there. Parentheses may nest [`MAX_DEPTH`] deep, so that no filter
//! (typed, or from a config) can run the parser or anything walking the tree out of
//! stack; runs of negations are counted rather than nested (`NOT NOT x` is `x`).

use std::fmt;

use unicode_width::UnicodeWidthChar;

/// How deep parentheses may nest in one filter.
pub const MAX_DEPTH: usize = 64;

/// A parsed filter.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    /// The empty filter: every card.
    All,
    And(Vec<Expr>),
    Or(Vec<Expr>),
    Not(Box<Expr>),
    /// Full text over title and body.
    Text {
        text: String,
        phrase: bool,
        prefix: bool,
    },
    /// `key OP value`; `key` is lower-cased, `#tag` and `tag:` arrive as `tags`.
    Field {
        key: String,
        op: Op,
        value: String,
        pos: usize,
    },
    /// `has:key` (and `no:key` as `Not(Has)`).
    Has {
        key: String,
    },
    /// `view:NAME`, replaced by the view's filter before compiling.
    View {
        name: String,
        pos: usize,
    },
    /// `links:X` (a link out of the card names the card X names) and `linked-by:X` (a
    /// link into the card comes from it); X is found as a link naming it would find it.
    Link {
        side: LinkSide,
        name: String,
    },
    /// `has:links` (the card links to a card) and `has:backlinks` (a card links to it);
    /// `no:` as `Not`.
    HasLink {
        side: LinkSide,
    },
    /// `depth<=N` and the like: how many parents are above the card in the outline.
    Depth {
        op: Op,
        depth: u32,
    },
}

/// Which of a card's links a link term looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkSide {
    /// Its links out: `links:X`, `has:links`.
    Out,
    /// The links into it: `linked-by:X`, `has:backlinks`.
    In,
    /// Its parent link: `parent:X` (the card's parent is X), `has:parent`.
    Parent,
    /// The parent links into it: `has:children`; `under:X`, any number of parents up.
    Children,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    /// `key:value`
    Eq,
    /// `key:val*`
    Prefix,
    Ne,
    Gt,
    Ge,
    Lt,
    Le,
}

impl Op {
    pub fn symbol(self) -> &'static str {
        match self {
            Op::Eq | Op::Prefix => ":",
            Op::Ne => "!=",
            Op::Gt => ">",
            Op::Ge => ">=",
            Op::Lt => "<",
            Op::Le => "<=",
        }
    }
}

/// A filter that does not parse: where, and what would have been valid there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilterError {
    pub filter: String,
    /// Character offset into `filter`.
    pub pos: usize,
    pub message: String,
}

impl FilterError {
    /// The message, then the filter with a caret under the position. The filter is one
    /// line (its line breaks shown as spaces), and the caret is as far in as the terminal
    /// columns before it, not the characters: a CJK character takes two, an accent none,
    /// a tab is a tab under the filter's tab (a terminal cleans both lines alike:
    /// `cli::stderr_text`), another control character one (the `�` it is cleaned to).
    pub fn pointed(&self) -> String {
        let shown: String =
            self.filter.chars().map(|c| if matches!(c, '\n' | '\r') { ' ' } else { c }).collect();
        let mut under = String::new();
        for c in self.filter.chars().take(self.pos) {
            match c {
                '\t' => under.push('\t'),
                c if c.is_control() || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}') => {
                    under.push(' ')
                }
                c => under.extend(std::iter::repeat_n(' ', c.width().unwrap_or(0))),
            }
        }
        format!("{}\n  {shown}\n  {under}^", self.message)
    }
}

impl fmt::Display for FilterError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid filter: {}", self.pointed())
    }
}

impl std::error::Error for FilterError {}

/// Parses a filter; the empty string is [`Expr::All`].
pub fn parse(filter: &str) -> Result<Expr, FilterError> {
    let chars: Vec<char> = filter.chars().collect();
    let mut parser = Parser { filter, chars, pos: 0, depth: 0 };
    parser.skip_blanks();
    if parser.at_end() {
        return Ok(Expr::All);
    }
    let expr = parser.or()?;
    parser.skip_blanks();
    if !parser.at_end() {
        return Err(parser.error(parser.pos, "unexpected `)` with no `(` before it"));
    }
    Ok(expr)
}

struct Parser<'a> {
    filter: &'a str,
    chars: Vec<char>,
    pos: usize,
    /// Parentheses open at `pos`.
    depth: usize,
}

impl Parser<'_> {
    fn or(&mut self) -> Result<Expr, FilterError> {
        let mut items = vec![self.and()?];
        while self.keyword("OR") {
            let at = self.pos;
            self.pos += 2;
            self.skip_blanks();
            // `a OR NOT b` negates `b`; `a OR AND b` and `a OR OR b` lack a term.
            if self.at_end() || self.peek() == Some(')') || self.keyword("OR") || self.keyword("AND") {
                return Err(self.error(at, "expected a term after `OR`"));
            }
            items.push(self.and()?);
        }
        Ok(if items.len() == 1 { items.remove(0) } else { Expr::Or(items) })
    }

    fn and(&mut self) -> Result<Expr, FilterError> {
        let mut items = Vec::new();
        loop {
            self.skip_blanks();
            if self.at_end() || self.peek() == Some(')') || self.keyword("OR") {
                break;
            }
            if self.keyword("AND") {
                let at = self.pos;
                if items.is_empty() {
                    return Err(self.error(at, "expected a term before `AND`"));
                }
                self.pos += 3;
                self.skip_blanks();
                if self.at_end() || self.peek() == Some(')') || self.keyword("OR") || self.keyword("AND") {
                    return Err(self.error(at, "expected a term after `AND`"));
                }
            }
            items.push(self.unary()?);
        }
        match items.len() {
            0 => {
                let what = if self.keyword("OR") { "expected a term before `OR`" } else { "expected a term" };
                Err(self.error(self.pos, what))
            }
            1 => Ok(items.remove(0)),
            _ => Ok(Expr::And(items)),
        }
    }

    /// Negations, counted in a loop rather than by recursion: an even run cancels out.
    fn unary(&mut self) -> Result<Expr, FilterError> {
        let mut negations = 0usize;
        loop {
            self.skip_blanks();
            if self.keyword("NOT") {
                self.pos += 3;
            } else if self.peek() == Some('-')
                && self.chars.get(self.pos + 1).is_some_and(|c| !c.is_whitespace() && *c != ')')
            {
                self.pos += 1;
            } else {
                break;
            }
            negations += 1;
            self.skip_blanks();
            if self.at_end() || self.peek() == Some(')') {
                return Err(self.error(self.pos, "expected a term to negate"));
            }
        }
        let expr = self.primary()?;
        Ok(if negations % 2 == 1 { negate(expr) } else { expr })
    }

    fn primary(&mut self) -> Result<Expr, FilterError> {
        match self.peek() {
            Some('(') => {
                let open = self.pos;
                if self.depth == MAX_DEPTH {
                    let message = format!("nested too deeply (more than {MAX_DEPTH} levels of parentheses)");
                    return Err(self.error(open, &message));
                }
                self.pos += 1;
                self.skip_blanks();
                if self.peek() == Some(')') {
                    return Err(self.error(self.pos, "expected a term inside `( )`"));
                }
                self.depth += 1;
                let inner = self.or()?;
                self.depth -= 1;
                self.skip_blanks();
                if self.peek() != Some(')') {
                    return Err(self
                        .error(self.pos, &format!("expected `)` to close the `(` at column {}", open + 1)));
                }
                self.pos += 1;
                Ok(inner)
            }
            Some('"') => {
                let text = self.quoted()?;
                Ok(Expr::Text { text, phrase: true, prefix: false })
            }
            _ => self.term(),
        }
    }

    /// A `"quoted"` run starting at the current `"`; `""` inside is a literal quote.
    fn quoted(&mut self) -> Result<String, FilterError> {
        let open = self.pos;
        self.pos += 1;
        let mut text = String::new();
        loop {
            match self.peek() {
                None => return Err(self.error(open, "expected a closing `\"` for this quote")),
                Some('"') if self.chars.get(self.pos + 1) == Some(&'"') => {
                    text.push('"');
                    self.pos += 2;
                }
                Some('"') => {
                    self.pos += 1;
                    return Ok(text);
                }
                Some(c) => {
                    text.push(c);
                    self.pos += 1;
                }
            }
        }
    }

    fn term(&mut self) -> Result<Expr, FilterError> {
        let start = self.pos;
        if self.peek() == Some('#') {
            self.pos += 1;
            let value = self.value()?;
            if value.text.is_empty() {
                return Err(self.error(start + 1, "expected a tag name after `#`"));
            }
            return Ok(field("tags", value, start));
        }
        let key: String = self.take_while(is_key_char);
        if key.starts_with(|c: char| c.is_alphabetic() || c == '_')
            && let Some(op) = self.operator()
        {
            let value_pos = self.pos;
            let value = self.value()?;
            if value.text.is_empty() && !value.quoted {
                let hint =
                    if self.peek().is_some_and(char::is_whitespace) { " (no space after it)" } else { "" };
                let message = format!("expected a value after `{key}{}`{hint}", op.symbol());
                return Err(self.error(value_pos, &message));
            }
            return self.field_term(&key, op, value, start, value_pos);
        }
        // Not a field term: a plain word, up to the next blank or parenthesis.
        self.pos = start;
        let word = self.take_while(|c| !c.is_whitespace() && c != '(' && c != ')');
        let (text, prefix) = match word.strip_suffix('*') {
            Some(stem) if !stem.is_empty() => (stem.to_string(), true),
            _ => (word, false),
        };
        Ok(Expr::Text { text, phrase: false, prefix })
    }

    fn field_term(
        &self,
        key: &str,
        op: Op,
        value: Value,
        start: usize,
        value_pos: usize,
    ) -> Result<Expr, FilterError> {
        let lower = key.to_lowercase();
        match (lower.as_str(), op) {
            ("has" | "no", Op::Eq) => {
                let key = value.text.to_lowercase();
                let has = match key.as_str() {
                    "links" => Expr::HasLink { side: LinkSide::Out },
                    "backlinks" => Expr::HasLink { side: LinkSide::In },
                    "parent" => Expr::HasLink { side: LinkSide::Parent },
                    "children" => Expr::HasLink { side: LinkSide::Children },
                    _ => Expr::Has { key },
                };
                Ok(if lower == "no" { negate(has) } else { has })
            }
            ("view", Op::Eq) => Ok(Expr::View { name: value.text, pos: value_pos }),
            // The name as written: a `*` in it is no wildcard (a link cannot hold one).
            ("links", Op::Eq) => Ok(Expr::Link { side: LinkSide::Out, name: value.text }),
            ("linked-by", Op::Eq) => Ok(Expr::Link { side: LinkSide::In, name: value.text }),
            ("parent", Op::Eq) => Ok(Expr::Link { side: LinkSide::Parent, name: value.text }),
            ("under", Op::Eq) => Ok(Expr::Link { side: LinkSide::Children, name: value.text }),
            ("depth", op) if op != Op::Prefix => match value.text.trim().parse::<u32>() {
                Ok(depth) => Ok(Expr::Depth { op, depth }),
                Err(_) => Err(self.error(value_pos, "expected a depth: a whole number, 0 at the top")),
            },
            ("has" | "no" | "view" | "links" | "linked-by" | "parent" | "under", _) => {
                Err(self.error(start + key.chars().count(), &format!("expected `:` after `{key}`")))
            }
            ("tag", _) => Ok(field_op("tags", op, value, start)),
            _ => Ok(field_op(&lower, op, value, start)),
        }
    }

    /// `:`, `>=`, `<=`, `!=`, `>` or `<` at the current position.
    fn operator(&mut self) -> Option<Op> {
        let two: String = self.chars[self.pos..].iter().take(2).collect();
        let (op, len) = match two.as_str() {
            ">=" => (Op::Ge, 2),
            "<=" => (Op::Le, 2),
            "!=" => (Op::Ne, 2),
            _ => match self.peek()? {
                ':' => (Op::Eq, 1),
                '>' => (Op::Gt, 1),
                '<' => (Op::Lt, 1),
                _ => return None,
            },
        };
        self.pos += len;
        Some(op)
    }

    /// A value: `"quoted"` or a bare run up to a blank or `)`.
    fn value(&mut self) -> Result<Value, FilterError> {
        if self.peek() == Some('"') {
            return Ok(Value { text: self.quoted()?, quoted: true });
        }
        let text = self.take_while(|c| !c.is_whitespace() && c != '(' && c != ')');
        Ok(Value { text, quoted: false })
    }

    fn take_while(&mut self, keep: impl Fn(char) -> bool) -> String {
        let start = self.pos;
        while self.peek().is_some_and(&keep) {
            self.pos += 1;
        }
        self.chars[start..self.pos].iter().collect()
    }

    fn keyword(&self, word: &str) -> bool {
        let len = word.len();
        let matches = self.chars.len() >= self.pos + len
            && self.chars[self.pos..self.pos + len].iter().copied().eq(word.chars());
        let ends = self.chars.get(self.pos + len).is_none_or(|c| c.is_whitespace() || *c == '(' || *c == ')');
        matches && ends
    }

    fn skip_blanks(&mut self) {
        while self.peek().is_some_and(char::is_whitespace) {
            self.pos += 1;
        }
    }

    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn at_end(&self) -> bool {
        self.pos >= self.chars.len()
    }

    fn error(&self, pos: usize, message: &str) -> FilterError {
        FilterError { filter: self.filter.to_string(), pos, message: message.to_string() }
    }
}

struct Value {
    text: String,
    quoted: bool,
}

/// `NOT expr`, with a double negation (`-no:url`) cancelled.
fn negate(expr: Expr) -> Expr {
    match expr {
        Expr::Not(inner) => *inner,
        other => Expr::Not(Box::new(other)),
    }
}

fn is_key_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '_' | '-' | '.')
}

fn field(key: &str, value: Value, pos: usize) -> Expr {
    field_op(key, Op::Eq, value, pos)
}

/// `key:val*` (unquoted) becomes a prefix match; a quoted `*` is literal. `key:*` is "any
/// value": `has:key` on a card's own fields (`-status:*` is "no status"), a pattern every
/// title or path matches on those.
fn field_op(key: &str, op: Op, value: Value, pos: usize) -> Expr {
    let any = op == Op::Eq && !value.quoted && !value.text.is_empty() && value.text.chars().all(|c| c == '*');
    if any && !matches!(key, "title" | "path" | "dir" | "modified" | "created") {
        return Expr::Has { key: key.to_string() };
    }
    let (op, value) = match (op, value.text.strip_suffix('*')) {
        (Op::Eq, Some(stem)) if !value.quoted && !stem.is_empty() => (Op::Prefix, stem.to_string()),
        _ => (op, value.text),
    };
    Expr::Field { key: key.to_string(), op, value, pos }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(t: &str) -> Expr {
        Expr::Text { text: t.into(), phrase: false, prefix: false }
    }

    fn eq(key: &str, value: &str, pos: usize) -> Expr {
        Expr::Field { key: key.into(), op: Op::Eq, value: value.into(), pos }
    }

    #[test]
    fn implicit_and_or_not_and_groups() {
        assert_eq!(parse("").unwrap(), Expr::All);
        assert_eq!(parse("a b").unwrap(), Expr::And(vec![text("a"), text("b")]));
        assert_eq!(
            parse("a OR b c").unwrap(),
            Expr::Or(vec![text("a"), Expr::And(vec![text("b"), text("c")])])
        );
        assert_eq!(
            parse("-a NOT (b OR c)").unwrap(),
            Expr::And(vec![
                Expr::Not(Box::new(text("a"))),
                Expr::Not(Box::new(Expr::Or(vec![text("b"), text("c")]))),
            ])
        );
        assert_eq!(parse("a AND b").unwrap(), Expr::And(vec![text("a"), text("b")]));
        assert_eq!(
            parse("a OR NOT b").unwrap(),
            Expr::Or(vec![text("a"), Expr::Not(Box::new(text("b")))]),
            "found by a proptest: NOT after OR was refused"
        );
        for bad in ["a OR OR b", "a OR AND b", "a OR NOT"] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn field_terms_and_shorthands() {
        assert_eq!(parse("Status:Done").unwrap(), eq("status", "Done", 0));
        assert_eq!(parse("#rust").unwrap(), eq("tags", "rust", 0));
        assert_eq!(parse("tag:cli").unwrap(), eq("tags", "cli", 0));
        assert_eq!(parse("author.name:\"Ada L\"").unwrap(), eq("author.name", "Ada L", 0));
        assert_eq!(
            parse("title:meet*").unwrap(),
            Expr::Field { key: "title".into(), op: Op::Prefix, value: "meet".into(), pos: 0 }
        );
        assert_eq!(
            parse("deadline<=+3d").unwrap(),
            Expr::Field { key: "deadline".into(), op: Op::Le, value: "+3d".into(), pos: 0 }
        );
        assert_eq!(parse("has:url").unwrap(), Expr::Has { key: "url".into() });
        assert_eq!(parse("Status:*").unwrap(), Expr::Has { key: "status".into() }, "any value");
        assert_eq!(parse("-#**").unwrap(), Expr::Not(Box::new(Expr::Has { key: "tags".into() })));
        assert_eq!(parse("status:\"*\"").unwrap(), eq("status", "*", 0), "a quoted `*` is literal");
        assert_eq!(parse("title:*").unwrap(), eq("title", "*", 0), "a pattern every title matches");
        assert_eq!(parse("no:url").unwrap(), Expr::Not(Box::new(Expr::Has { key: "url".into() })));
        assert_eq!(parse("view:tasks").unwrap(), Expr::View { name: "tasks".into(), pos: 5 });
        assert_eq!(
            parse("\"a phrase\" wor*").unwrap(),
            Expr::And(vec![
                Expr::Text { text: "a phrase".into(), phrase: true, prefix: false },
                Expr::Text { text: "wor".into(), phrase: false, prefix: true },
            ])
        );
    }

    #[test]
    fn link_terms() {
        let link = |side, name: &str| Expr::Link { side, name: name.into() };
        let has = |side| Expr::HasLink { side };
        assert_eq!(parse("links:Mutex").unwrap(), link(LinkSide::Out, "Mutex"));
        assert_eq!(parse("Linked-By:\"rust/atomics.md\"").unwrap(), link(LinkSide::In, "rust/atomics.md"));
        assert_eq!(parse("links:a*").unwrap(), link(LinkSide::Out, "a*"), "no wildcard in a name");
        assert_eq!(parse("has:links").unwrap(), has(LinkSide::Out));
        assert_eq!(parse("HAS:Backlinks").unwrap(), has(LinkSide::In));
        assert_eq!(parse("no:backlinks").unwrap(), Expr::Not(Box::new(has(LinkSide::In))));
        assert_eq!(parse("-no:links").unwrap(), has(LinkSide::Out));
        assert_eq!(parse("has:link").unwrap(), Expr::Has { key: "link".into() }, "a field");
        assert_eq!(error("links>x"), (5, "expected `:` after `links`".into()));
        assert_eq!(error("linked-by!=x"), (9, "expected `:` after `linked-by`".into()));
    }

    #[test]
    fn words_that_only_look_like_fields_are_text() {
        assert_eq!(parse("10:30").unwrap(), text("10:30"));
        assert_eq!(parse("-5").unwrap(), Expr::Not(Box::new(text("5"))));
        assert_eq!(parse("a - b").unwrap(), Expr::And(vec![text("a"), text("-"), text("b")]));
    }

    fn error(filter: &str) -> (usize, String) {
        let e = parse(filter).expect_err("should not parse");
        (e.pos, e.message)
    }

    #[test]
    fn errors_say_where_and_what_was_expected() {
        assert_eq!(error("status:"), (7, "expected a value after `status:`".into()));
        assert_eq!(error("(a b"), (4, "expected `)` to close the `(` at column 1".into()));
        assert_eq!(error("a)"), (1, "unexpected `)` with no `(` before it".into()));
        assert_eq!(error("a OR"), (2, "expected a term after `OR`".into()));
        assert_eq!(error("OR a"), (0, "expected a term before `OR`".into()));
        assert_eq!(error("\"open"), (0, "expected a closing `\"` for this quote".into()));
        assert_eq!(error("()"), (1, "expected a term inside `( )`".into()));
        assert_eq!(error("has>x"), (3, "expected `:` after `has`".into()));
        assert_eq!(error("#"), (1, "expected a tag name after `#`".into()));
        assert_eq!(error("a NOT"), (5, "expected a term to negate".into()));
    }

    #[test]
    fn error_display_puts_a_caret_under_the_position() {
        let e = parse("status: x").expect_err("error");
        assert_eq!(
            e.to_string(),
            "invalid filter: expected a value after `status:` (no space after it)\n  status: x\n         ^"
        );
    }

    #[test]
    fn negations_cancel_in_pairs_however_many_there_are() {
        assert_eq!(parse("NOT NOT a").unwrap(), text("a"));
        assert_eq!(parse("--a").unwrap(), text("a"));
        assert_eq!(parse("-no:url").unwrap(), Expr::Has { key: "url".into() });
        assert_eq!(parse("-(-a)").unwrap(), text("a"));
        assert_eq!(parse(&format!("{}a", "-".repeat(20_000))).unwrap(), text("a"));
        assert_eq!(parse(&format!("{}a", "NOT ".repeat(20_001))).unwrap(), Expr::Not(Box::new(text("a"))));
    }

    #[test]
    fn parentheses_nest_only_so_deep() {
        let ok = format!("{}a{}", "(".repeat(MAX_DEPTH), ")".repeat(MAX_DEPTH));
        assert_eq!(parse(&ok).unwrap(), text("a"));
        let deep = format!("x {}a{}", "(".repeat(10_000), ")".repeat(10_000));
        assert_eq!(
            error(&deep),
            (2 + MAX_DEPTH, "nested too deeply (more than 64 levels of parentheses)".into())
        );
        assert_eq!(error(&"(".repeat(10_000)).0, MAX_DEPTH);
    }
}
