//! How deeply latex2mathml would recurse on a formula, found without
//! recursing, so that a formula too deep for the stack is refused before
//! it is handed over.
//!
//! latex2mathml 0.2 parses, prints and drops its syntax tree by recursion,
//! one level (about 23 KB of stack unoptimised, 1.4 KB optimised) for every
//! `{…}`, `\left…\right`, environment, `^`/`_` and argument of a command
//! such as `\frac`, `\sqrt`, `\hat` or `\mathbf`. `$` + 10,000 `{` aborted
//! the build, and a running `seen serve`, with a stack overflow.
//!
//! [`measure`] reads the formula the way the crate's parser does (the same
//! tokens, from the crate's own command table, and the same grammar), with
//! an explicit stack instead of the call stack: each entry is a level the
//! parser would be inside at that point. It also finds the one input the
//! parser panics on rather than reporting (`\middle` before something that
//! is not a delimiter: `unimplemented!()`).

use latex2mathml::token::Token;

/// Deepest nesting of a formula: `{…}`, `\left…\right`, environments,
/// `^` and `_`, and every argument of a command (`\frac{a}{b}` is one level
/// for the command and one for each brace group). 32 levels take under
/// 0.8 MB of stack in an unoptimised build, within the 2 MB of a worker
/// thread; formulas people write nest fewer than ten.
pub const MAX_DEPTH: usize = 32;

/// Longest formula, in bytes. latex2mathml prints a matrix in time that
/// grows with the square of its cells (40,000 cells took 9 s); 10,000
/// bytes keep a formula under a tenth of a second. The bundled explainer's
/// longest is 121 bytes.
pub const MAX_BYTES: usize = 10_000;

/// What [`measure`] found wrong, with the byte offset in the formula where
/// it happened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// Nesting went past [`MAX_DEPTH`] at this offset.
    TooDeep { offset: usize },
    /// `\middle` at this offset is not followed by a delimiter.
    Middle { offset: usize },
}

/// One token of the formula, as latex2mathml's lexer would make it, only
/// as much as the grammar needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Tok {
    /// Anything that is a node by itself: a number, an operator, a
    /// function name, a space, `&`, `\\`, an unknown command, ….
    Atom,
    /// A letter (also `\alpha` and the like): `\text{…}` reads these.
    Letter,
    /// An operator or a parenthesis: what `\middle` accepts.
    Delim,
    /// `'`, which a node takes as a prime.
    Prime,
    LBrace,
    RBrace,
    /// `[` and `]`: a group only right after `\sqrt`.
    LBracket,
    RBracket,
    Left,
    Right,
    Middle,
    Begin,
    End,
    /// `\text`, `\operatorname`: a name in braces.
    Text,
    /// `\bigl` and the like: the parenthesis after them.
    Big,
    /// `^`, `_`.
    Script,
    /// A command that reads this many nodes after it.
    Args(u8),
    Sqrt,
    Slashed,
    Eof,
}

impl Tok {
    fn of(t: &Token) -> Tok {
        match t {
            Token::Letter(..) => Tok::Letter,
            Token::Operator('\'') => Tok::Prime,
            Token::Operator(_) => Tok::Delim,
            Token::Paren("[") => Tok::LBracket,
            Token::Paren("]") => Tok::RBracket,
            Token::Paren(_) => Tok::Delim,
            Token::LBrace => Tok::LBrace,
            Token::RBrace => Tok::RBrace,
            Token::Left => Tok::Left,
            Token::Right => Tok::Right,
            Token::Middle => Tok::Middle,
            Token::Begin => Tok::Begin,
            Token::End => Tok::End,
            Token::Text | Token::OperatorName => Tok::Text,
            Token::Big(_) => Tok::Big,
            Token::Underscore | Token::Circumflex => Tok::Script,
            Token::Frac | Token::Binom(_) | Token::Overset | Token::Underset => Tok::Args(2),
            Token::Style(_)
            | Token::Over(..)
            | Token::Under(..)
            | Token::Overbrace(_)
            | Token::Underbrace(_) => Tok::Args(1),
            Token::Sqrt => Tok::Sqrt,
            Token::Slashed => Tok::Slashed,
            Token::EOF => Tok::Eof,
            _ => Tok::Atom,
        }
    }
}

/// The tokens of `latex` with their byte offsets, as latex2mathml's lexer
/// makes them (`src/lexer.rs` of the crate): whitespace skipped, a command
/// is `\` and one character or a run of ASCII letters, a number is digits
/// with at most one point, and a NUL ends the input.
fn tokens(latex: &str) -> Vec<(usize, Tok)> {
    let mut out = Vec::new();
    let mut chars = latex.char_indices().peekable();
    let mut digit_next = false;
    loop {
        if digit_next
            && let Some(&(at, c)) = chars.peek()
            && c.is_ascii_digit()
        {
            chars.next();
            out.push((at, Tok::Atom));
            digit_next = false;
            continue;
        }
        while chars
            .next_if(|&(_, c)| matches!(c, ' ' | '\t' | '\n' | '\r'))
            .is_some()
        {}
        let Some((at, c)) = chars.next() else {
            out.push((latex.len(), Tok::Eof));
            return out;
        };
        let tok = match c {
            '\0' => Tok::Eof,
            '\\' => {
                let mut name = String::new();
                if let Some((_, first)) = chars.next() {
                    name.push(first);
                    if first.is_ascii_alphabetic() {
                        while let Some((_, c)) = chars.next_if(|&(_, c)| c.is_ascii_alphabetic()) {
                            name.push(c);
                        }
                    }
                }
                let token = Token::from_command(&name);
                // After `\frac`, `\sqrt`, `\binom` or a style, a digit
                // that follows at once is a number of its own (`\frac12`).
                digit_next = matches!(
                    token,
                    Token::Sqrt | Token::Frac | Token::Binom(_) | Token::Style(_)
                );
                out.push((at, Tok::of(&token)));
                continue;
            }
            '{' => Tok::LBrace,
            '}' => Tok::RBrace,
            '[' => Tok::LBracket,
            ']' => Tok::RBracket,
            '_' | '^' => Tok::Script,
            '\'' => Tok::Prime,
            '(' | ')' | '|' | '=' | ';' | ',' | '.' | '+' | '-' | '*' | '/' | '!' | '<' | '>'
            | ':' => {
                if c == ':' {
                    chars.next_if(|&(_, c)| c == '=');
                }
                Tok::Delim
            }
            '&' => Tok::Atom,
            c if c.is_ascii_digit() => {
                let mut point = false;
                while chars
                    .next_if(|&(_, c)| c.is_ascii_digit() || (c == '.' && !point))
                    .is_some_and(|(_, c)| {
                        point |= c == '.';
                        true
                    })
                {}
                Tok::Atom
            }
            _ => Tok::Letter,
        };
        out.push((at, tok));
        digit_next = false;
        if tok == Tok::Eof {
            return out;
        }
    }
}

/// A level the parser is inside.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Frame {
    /// A group waiting for its end: `}`, `\right`, `\end` or (after
    /// `\sqrt`) `]`.
    Group(Tok),
    /// A command waiting for this many more nodes.
    Args(u8),
    /// `^` or `_` waiting for its node.
    Script,
    /// `\slashed` waiting for its node (it then skips one token).
    Slashed,
}

/// The deepest nesting of `latex` as latex2mathml would parse it, or the
/// first problem: past [`MAX_DEPTH`], or a `\middle` the crate would panic
/// on. A formula the crate refuses for another reason is left to it.
pub fn measure(latex: &str) -> Result<usize, Problem> {
    let toks = tokens(latex);
    let mut stack: Vec<Frame> = Vec::new();
    let mut deepest = 0;
    let mut i = 0;
    // The token at `i` (the end repeats once the tokens run out).
    let at = |i: usize| toks[i.min(toks.len() - 1)];
    // `\text{…}` and the names of environments: one token (the `{`), the
    // letters, and one more (the `}`).
    let skip_name = |mut i: usize| {
        i += 1;
        while at(i).1 == Tok::Letter {
            i += 1;
        }
        i + 1
    };
    loop {
        let (offset, tok) = at(i);
        if stack.len() > deepest {
            deepest = stack.len();
            if deepest > MAX_DEPTH {
                return Err(Problem::TooDeep { offset });
            }
        }
        i += 1;
        let closes = matches!(
            (tok, stack.last()),
            (Tok::RBrace, Some(Frame::Group(Tok::RBrace)))
                | (Tok::Right, Some(Frame::Group(Tok::Right)))
                | (Tok::End, Some(Frame::Group(Tok::End)))
        );
        // Does `tok` end a node? Then `done` is true after the match.
        let done = match (tok, stack.last()) {
            (Tok::Eof, _) => return Ok(deepest),
            _ if closes => {
                stack.pop();
                match tok {
                    // `\right)`: the delimiter is part of the node.
                    Tok::Right => i += 1,
                    Tok::End => i = skip_name(i),
                    _ => {}
                }
                true
            }
            (Tok::RBracket, Some(Frame::Group(Tok::RBracket))) => {
                // The degree of `\sqrt[3]{x}`: the root still waits for
                // its node.
                stack.pop();
                false
            }
            (Tok::LBrace, _) => {
                stack.push(Frame::Group(Tok::RBrace));
                false
            }
            (Tok::Left, _) => {
                i += 1;
                stack.push(Frame::Group(Tok::Right));
                false
            }
            (Tok::Begin, _) => {
                i = skip_name(i);
                stack.push(Frame::Group(Tok::End));
                false
            }
            (Tok::Args(n), _) => {
                stack.push(Frame::Args(n));
                false
            }
            (Tok::Sqrt, _) => {
                stack.push(Frame::Args(1));
                if at(i).1 == Tok::LBracket {
                    i += 1;
                    stack.push(Frame::Group(Tok::RBracket));
                }
                false
            }
            (Tok::Slashed, _) => {
                i += 1;
                stack.push(Frame::Slashed);
                false
            }
            (Tok::Middle, _) => {
                let delim = matches!(
                    at(i).1,
                    Tok::Delim | Tok::Prime | Tok::LBracket | Tok::RBracket
                );
                if !delim || at(i + 1).1 == Tok::Prime {
                    return Err(Problem::Middle { offset });
                }
                i += 1;
                true
            }
            (Tok::Big, _) => {
                i += 1;
                true
            }
            (Tok::Text, _) => {
                i = skip_name(i);
                true
            }
            // Everything else, a closing token without its group among
            // them, is a node of its own.
            _ => true,
        };
        if done {
            i = finish_node(&toks, i, &mut stack);
        }
    }
}

/// A single node ended just before token `i`: it takes a prime, then a
/// `^` or `_` (which waits for its node), else it is a whole node and ends
/// what was waiting for it. Returns where reading goes on.
fn finish_node(toks: &[(usize, Tok)], mut i: usize, stack: &mut Vec<Frame>) -> usize {
    let at = |i: usize| toks[i.min(toks.len() - 1)].1;
    let mut single = true;
    loop {
        if single {
            if at(i) == Tok::Prime {
                i += 1;
            }
            if at(i) == Tok::Script {
                stack.push(Frame::Script);
                return i + 1;
            }
        }
        // A whole node: it is the node something waits for, if anything.
        match stack.last().copied() {
            Some(Frame::Args(n)) if n > 1 => {
                *stack.last_mut().expect("just seen") = Frame::Args(n - 1);
                return i;
            }
            Some(Frame::Args(_)) => {
                stack.pop();
                single = true;
            }
            Some(Frame::Slashed) => {
                stack.pop();
                if at(i) != Tok::Eof {
                    i += 1;
                }
                single = true;
            }
            Some(Frame::Script) => {
                stack.pop();
                single = false;
            }
            Some(Frame::Group(_)) | None => return i,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn depth(latex: &str) -> usize {
        measure(latex).unwrap()
    }

    #[test]
    fn counts_the_levels_the_parser_enters() {
        assert_eq!(depth("x"), 0);
        assert_eq!(depth("x + y = 2"), 0);
        assert_eq!(depth("{x}"), 1);
        assert_eq!(depth("{{x}}"), 2);
        assert_eq!(depth("x^2"), 1);
        assert_eq!(depth("x^2 + y^2 + z^2"), 1);
        assert_eq!(depth("x^{2}"), 2);
        assert_eq!(depth("a^b^c"), 2);
        assert_eq!(depth(r"\frac{a}{b}"), 2);
        assert_eq!(depth(r"\frac12 + \frac{1}{2}"), 2);
        assert_eq!(depth(r"\frac{\frac{a}{b}}{c}"), 4);
        assert_eq!(depth(r"\sqrt x"), 1);
        assert_eq!(depth(r"\sqrt[3]{x}"), 2);
        assert_eq!(depth(r"\sqrt\sqrt\sqrt x"), 3);
        assert_eq!(depth(r"\left( x \right)"), 1);
        assert_eq!(depth(r"\left( \left[ x \right] \right)"), 2);
        assert_eq!(depth(r"\begin{pmatrix} a & b \\ c & d \end{pmatrix}"), 1);
        assert_eq!(depth(r"\text{if } x"), 0);
        assert_eq!(depth(r"\sum_{i=1}^{n} x_i"), 3);
        assert_eq!(depth(r"\hat\hat\hat x"), 3);
        assert_eq!(depth(r"\slashed{\slashed{x}}"), 2);
        assert_eq!(depth(r"a \middle| b"), 0);
    }

    #[test]
    fn a_closer_of_another_group_is_a_node() {
        // `}` inside `\left…\right` is a node (latex2mathml makes it an
        // undefined token), so the `\right` still closes.
        assert_eq!(depth(r"\left( } \right)"), 1);
        assert_eq!(depth("}}}x"), 0);
        assert_eq!(depth(r"\right) x"), 0);
    }

    #[test]
    fn deep_nesting_is_found_without_recursion() {
        let n = 100_000;
        let cases = [
            format!("{}x{}", "{".repeat(n), "}".repeat(n)),
            format!("{}x", r"\frac a".repeat(n)),
            format!("{}x", r"\sqrt".repeat(n)),
            format!("x{}", "^x".repeat(n)),
            format!("{}x{}", r"\left(".repeat(n), r"\right)".repeat(n)),
            format!("{}x", r"\mathbf".repeat(n)),
            format!("{}x", r"\slashed a".repeat(n)),
            format!("{}x", "{".repeat(n)),
        ];
        for latex in cases {
            let e = measure(&latex).unwrap_err();
            assert!(matches!(e, Problem::TooDeep { .. }), "{}", &latex[..20]);
        }
        let ok = format!("{}x{}", "{".repeat(MAX_DEPTH), "}".repeat(MAX_DEPTH));
        assert_eq!(measure(&ok), Ok(MAX_DEPTH));
        let over = format!(
            "{}x{}",
            "{".repeat(MAX_DEPTH + 1),
            "}".repeat(MAX_DEPTH + 1)
        );
        assert_eq!(
            measure(&over),
            Err(Problem::TooDeep {
                offset: MAX_DEPTH + 1
            })
        );
    }

    #[test]
    fn middle_needs_a_delimiter() {
        assert_eq!(measure(r"a \middle x"), Err(Problem::Middle { offset: 2 }));
        assert!(measure(r"a \middle\bigl( b").is_err());
        assert!(measure(r"a \middle|' b").is_err());
        assert!(measure(r"\middle").is_err());
        assert!(measure(r"\left( a \middle| b \right)").is_ok());
        assert!(measure(r"a \middle/ b").is_ok());
    }

    /// Every formula within the limit goes through latex2mathml on a thread
    /// with a small stack: patterns repeated until they are deep, so that a
    /// level the measure missed would show as a stack overflow here.
    #[test]
    fn latex2mathml_stays_within_a_small_stack_below_the_limit() {
        let units = [
            "{",
            "}",
            r"\frac",
            r"\sqrt",
            "^",
            "_",
            "x",
            "1",
            r"\left(",
            r"\right)",
            r"\slashed",
            r"\hat",
            "[",
            "]",
            r"\text{ab}",
            r"\begin{matrix}",
            r"\end{matrix}",
            "'",
            r"\sum",
            r"\overbrace",
            r"\middle|",
            r"\bigl(",
            r"\mathbf",
            r"\binom",
            r"\lim",
            " ",
        ];
        let mut formulas = Vec::new();
        let mut rng = crate::engine::SplitMix64::new(7);
        for _ in 0..400 {
            let parts = 1 + (rng.next_u64() % 4) as usize;
            let unit: String = (0..parts)
                .map(|_| units[(rng.next_u64() % units.len() as u64) as usize])
                .collect();
            let times = 1 + (rng.next_u64() % 3000) as usize;
            formulas.push(unit.repeat(times));
        }
        let within: Vec<String> = formulas
            .into_iter()
            .filter(|f| f.len() <= MAX_BYTES && measure(f).is_ok())
            .collect();
        assert!(
            within.len() > 50,
            "{} formulas within the limits",
            within.len()
        );
        let worker = std::thread::Builder::new()
            .stack_size(1 << 20)
            .spawn(move || {
                for f in &within {
                    let _ = latex2mathml::latex_to_mathml(f, latex2mathml::DisplayStyle::Block);
                }
            })
            .unwrap();
        worker.join().unwrap();
    }
}
