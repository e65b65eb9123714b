//! The expression language: a lexer and a recursive-descent parser with
//! spans. Written by hand because the grammar is tiny and the point is the
//! error messages (see `docs/language.md`, "Expressions").
//!
//! ```text
//! stmt  := NAME '=' expr
//! expr  := term (('+' | '-') term)*
//! term  := unary (('*' | '/') unary)*
//! unary := '-' unary | power
//! power := atom ('^' unary)?
//! atom  := NUMBER | NAME | NAME '(' expr (',' expr)* ')' | '(' expr ')'
//! ```
//!
//! Nesting is bounded by [`MAX_DEPTH`] so that no input can exhaust the
//! stack, here or in the lowering that walks the tree.

use super::error::ScenarioError;
use std::ops::Range;

/// Deepest expression tree accepted (parentheses, unary minus, calls and
/// chains of binary operators all count).
pub const MAX_DEPTH: usize = 200;

pub type Span = Range<usize>;

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum BinOp {
    Add,
    Sub,
    Mul,
    Div,
    Pow,
}

#[derive(Clone, Debug, PartialEq)]
pub enum ExprKind {
    Num(f64),
    Name(String),
    Neg(Box<Expr>),
    Bin(BinOp, Box<Expr>, Box<Expr>),
    Call {
        name: String,
        name_span: Span,
        args: Vec<Expr>,
    },
}

#[derive(Clone, Debug, PartialEq)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
    /// Height of this subtree, bounded by [`MAX_DEPTH`].
    pub depth: usize,
}

/// `name = expr` on one line.
#[derive(Clone, Debug, PartialEq)]
pub struct Stmt {
    pub name: String,
    pub name_span: Span,
    pub expr: Expr,
    /// The line as written (without its comment), and the offset its spans
    /// are counted from, so that messages can quote the author's text.
    pub line: String,
    pub line_start: usize,
}

impl Stmt {
    /// The text of the statement's line at `span`, as the author wrote it.
    pub fn text(&self, span: &Span) -> Option<&str> {
        let start = span.start.checked_sub(self.line_start)?;
        let end = span.end.checked_sub(self.line_start)?;
        self.line.get(start..end)
    }
}

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    Num(f64),
    Name(String),
    Sym(char),
    End,
}

fn describe(t: &Tok) -> String {
    match t {
        Tok::Num(n) => format!("the number {n}"),
        Tok::Name(n) => format!("`{n}`"),
        Tok::Sym(c) => format!("`{c}`"),
        Tok::End => "end of the line".into(),
    }
}

/// Whether a name may start with `c`: a letter of any script (Unicode
/// `XID_Start`, so `ω` and `θ` are names) or `_`.
pub fn is_name_start(c: char) -> bool {
    c == '_' || unicode_ident::is_xid_start(c)
}

/// Whether `c` may follow in a name: Unicode `XID_Continue` (letters,
/// digits, `_` and combining marks).
pub fn is_name_continue(c: char) -> bool {
    unicode_ident::is_xid_continue(c)
}

/// Whether `s` is a name: what the lexer reads as one token.
pub fn is_name(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(is_name_start) && chars.all(is_name_continue)
}

/// Splits one line into tokens with their byte spans (relative to `base`).
fn lex(line: &str, base: usize) -> Result<Vec<(Tok, Span)>, ScenarioError> {
    let b = line.as_bytes();
    let mut i = 0;
    let mut out = Vec::new();
    while i < b.len() {
        let c = b[i];
        let start = i;
        if c.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        if c.is_ascii_digit() || (c == b'.' && b.get(i + 1).is_some_and(u8::is_ascii_digit)) {
            while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'.') {
                i += 1;
            }
            if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
                let mut j = i + 1;
                if j < b.len() && (b[j] == b'+' || b[j] == b'-') {
                    j += 1;
                }
                if j < b.len() && b[j].is_ascii_digit() {
                    i = j;
                    while i < b.len() && b[i].is_ascii_digit() {
                        i += 1;
                    }
                }
            }
            let text = &line[start..i];
            let value: f64 = text.parse().map_err(|_| {
                ScenarioError::new(base + start..base + i, format!("`{text}` is not a number"))
                    .expected("a number such as 2, 0.5 or 1e-3")
            })?;
            out.push((Tok::Num(value), base + start..base + i));
        } else if let Some(ch) = line[start..].chars().next().filter(|&ch| is_name_start(ch)) {
            i += ch.len_utf8();
            while let Some(ch) = line[i..].chars().next().filter(|&ch| is_name_continue(ch)) {
                i += ch.len_utf8();
            }
            out.push((
                Tok::Name(line[start..i].to_string()),
                base + start..base + i,
            ));
        } else if b"+-*/^(),=".contains(&c) {
            i += 1;
            out.push((Tok::Sym(c as char), base + start..base + i));
        } else {
            let ch = line[start..].chars().next().unwrap_or('?');
            return Err(ScenarioError::new(
                base + start..base + start + ch.len_utf8(),
                format!("unexpected character `{ch}`"),
            )
            .expected("a name, a number, an operator (+ - * / ^), a parenthesis or a comma"));
        }
    }
    out.push((Tok::End, base + line.len()..base + line.len()));
    Ok(out)
}

struct Parser {
    toks: Vec<(Tok, Span)>,
    pos: usize,
}

impl Parser {
    fn peek(&self) -> &Tok {
        &self.toks[self.pos].0
    }

    fn span(&self) -> Span {
        self.toks[self.pos].1.clone()
    }

    fn bump(&mut self) -> (Tok, Span) {
        let t = self.toks[self.pos].clone();
        if self.pos + 1 < self.toks.len() {
            self.pos += 1;
        }
        t
    }

    fn unexpected(&self, expected: &str) -> ScenarioError {
        let t = self.peek();
        ScenarioError::new(self.span(), format!("unexpected {}", describe(t))).expected(expected)
    }

    fn node(kind: ExprKind, span: Span, children: &[&Expr]) -> Result<Expr, ScenarioError> {
        let depth = 1 + children.iter().map(|c| c.depth).max().unwrap_or(0);
        Self::node_at_depth(kind, span, depth)
    }

    /// An expression node whose subtree height is `depth`, refused past
    /// [`MAX_DEPTH`].
    fn node_at_depth(kind: ExprKind, span: Span, depth: usize) -> Result<Expr, ScenarioError> {
        if depth > MAX_DEPTH {
            return Err(ScenarioError::new(
                span,
                format!("expression nested too deeply (more than {MAX_DEPTH} levels)"),
            )
            .expected("a shallower expression; split it into several statements"));
        }
        Ok(Expr { kind, span, depth })
    }

    fn expr(&mut self, level: usize) -> Result<Expr, ScenarioError> {
        self.chain(level, [('+', BinOp::Add), ('-', BinOp::Sub)], Self::term)
    }

    fn term(&mut self, level: usize) -> Result<Expr, ScenarioError> {
        self.chain(level, [('*', BinOp::Mul), ('/', BinOp::Div)], Self::unary)
    }

    /// A left-associative chain `next (op next)*` for the two operators.
    fn chain(
        &mut self,
        level: usize,
        ops: [(char, BinOp); 2],
        next: fn(&mut Self, usize) -> Result<Expr, ScenarioError>,
    ) -> Result<Expr, ScenarioError> {
        let mut lhs = next(self, level)?;
        while let Tok::Sym(c) = *self.peek() {
            let Some(&(_, op)) = ops.iter().find(|(sym, _)| *sym == c) else {
                break;
            };
            self.bump();
            let rhs = next(self, level)?;
            let span = lhs.span.start..rhs.span.end;
            let depth = 1 + lhs.depth.max(rhs.depth);
            let kind = ExprKind::Bin(op, Box::new(lhs), Box::new(rhs));
            lhs = Self::node_at_depth(kind, span, depth)?;
        }
        Ok(lhs)
    }

    /// `level` counts the recursion depth of the parser itself, so that
    /// `((((…))))` and `- - - x` stop at [`MAX_DEPTH`] before the stack does.
    fn enter(&self, level: usize) -> Result<usize, ScenarioError> {
        if level >= MAX_DEPTH {
            return Err(ScenarioError::new(
                self.span(),
                format!("expression nested too deeply (more than {MAX_DEPTH} levels)"),
            )
            .expected("a shallower expression; split it into several statements"));
        }
        Ok(level + 1)
    }

    fn unary(&mut self, level: usize) -> Result<Expr, ScenarioError> {
        let level = self.enter(level)?;
        if let Tok::Sym('-') = self.peek() {
            let (_, s) = self.bump();
            let inner = self.unary(level)?;
            let span = s.start..inner.span.end;
            return Self::node(ExprKind::Neg(Box::new(inner.clone())), span, &[&inner]);
        }
        self.power(level)
    }

    fn power(&mut self, level: usize) -> Result<Expr, ScenarioError> {
        let base = self.atom(level)?;
        if let Tok::Sym('^') = self.peek() {
            self.bump();
            let exp = self.unary(level)?;
            let span = base.span.start..exp.span.end;
            return Self::node(
                ExprKind::Bin(BinOp::Pow, Box::new(base.clone()), Box::new(exp.clone())),
                span,
                &[&base, &exp],
            );
        }
        Ok(base)
    }

    fn atom(&mut self, level: usize) -> Result<Expr, ScenarioError> {
        let level = self.enter(level)?;
        match self.peek().clone() {
            Tok::Num(n) => {
                let (_, s) = self.bump();
                Self::node(ExprKind::Num(n), s, &[])
            }
            Tok::Name(name) => {
                let (_, s) = self.bump();
                if let Tok::Sym('(') = self.peek() {
                    self.bump();
                    let mut args = vec![self.expr(level)?];
                    while let Tok::Sym(',') = self.peek() {
                        self.bump();
                        args.push(self.expr(level)?);
                    }
                    if self.peek() != &Tok::Sym(')') {
                        return Err(self.unexpected("`,` or `)` to close the call"));
                    }
                    let (_, close) = self.bump();
                    let refs: Vec<&Expr> = args.iter().collect();
                    let kind = ExprKind::Call {
                        name,
                        name_span: s.clone(),
                        args: args.clone(),
                    };
                    return Self::node(kind, s.start..close.end, &refs);
                }
                Self::node(ExprKind::Name(name), s, &[])
            }
            Tok::Sym('(') => {
                let (_, open) = self.bump();
                let inner = self.expr(level)?;
                if self.peek() != &Tok::Sym(')') {
                    return Err(self.unexpected("`)` to close the parenthesis"));
                }
                let (_, close) = self.bump();
                let span = open.start..close.end;
                Ok(Expr { span, ..inner })
            }
            _ => Err(self.unexpected("a number, a name, a function call or `(`")),
        }
    }
}

/// Parses one statement `name = expr`. `base` is the line's byte offset,
/// added to every span.
pub fn parse_stmt(line: &str, base: usize) -> Result<Stmt, ScenarioError> {
    let toks = lex(line, base)?;
    let mut p = Parser { toks, pos: 0 };
    let (name, name_span) = match p.bump() {
        (Tok::Name(n), s) => (n, s),
        (t, s) => {
            return Err(
                ScenarioError::new(s, format!("unexpected {}", describe(&t)))
                    .expected("a statement `name = expression`"),
            );
        }
    };
    if p.peek() != &Tok::Sym('=') {
        return Err(p.unexpected("`=` after the statement's name"));
    }
    p.bump();
    let expr = p.expr(0)?;
    if p.peek() != &Tok::End {
        return Err(p.unexpected("an operator or the end of the statement"));
    }
    Ok(Stmt {
        name,
        name_span,
        expr,
        line: line.to_string(),
        line_start: base,
    })
}

/// Parses the statements of a `graph` string: one per line, `#` comments
/// and blank lines skipped. Spans are offsets into `text` plus `base`.
pub fn parse_graph(text: &str, base: usize) -> Result<Vec<Stmt>, ScenarioError> {
    let mut stmts = Vec::new();
    let mut start = 0;
    for line in text.split_inclusive('\n') {
        let code = line.split('#').next().unwrap_or("");
        let code = code.trim_end_matches(['\n', '\r']);
        if !code.trim().is_empty() {
            stmts.push(parse_stmt(code, base + start)?);
        }
        start += line.len();
    }
    Ok(stmts)
}
