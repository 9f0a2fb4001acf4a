//! Metric formulas: numbers, metric ids, `+ - * /` and parentheses, parsed once and evaluated
//! on window totals (a ratio of sums, never a mean of daily ratios).

use std::fmt;

/// A parsed formula.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    /// A number literal.
    Number(f64),
    /// The window total of a metric.
    Metric(String),
    /// `-x`.
    Neg(Box<Expr>),
    /// `a op b`.
    Binary(Op, Box<Expr>, Box<Expr>),
}

/// Arithmetic operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `/`
    Div,
}

/// A formula that does not parse: what was wrong, and the character offset where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormulaError {
    /// What was expected or found.
    pub message: String,
    /// Byte offset into the formula text.
    pub offset: usize,
}

impl fmt::Display for FormulaError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (at character {})", self.message, self.offset + 1)
    }
}

impl Expr {
    /// Parses a formula; `×` and `÷` are accepted for `*` and `/`.
    pub fn parse(text: &str) -> Result<Expr, FormulaError> {
        let tokens = tokenize(text)?;
        let mut parser = Parser {
            tokens: &tokens,
            pos: 0,
            len: text.len(),
        };
        let (expr, _) = parser.sum(0)?;
        match parser.peek() {
            None => Ok(expr),
            Some((tok, offset)) => Err(FormulaError {
                message: format!("unexpected {tok}"),
                offset,
            }),
        }
    }

    /// Metric ids the formula reads, in order of first use.
    pub fn inputs(&self) -> Vec<&str> {
        let mut out = Vec::new();
        self.collect_inputs(&mut out);
        out
    }

    fn collect_inputs<'a>(&'a self, out: &mut Vec<&'a str>) {
        match self {
            Expr::Number(_) => {}
            Expr::Metric(id) => {
                if !out.contains(&id.as_str()) {
                    out.push(id);
                }
            }
            Expr::Neg(e) => e.collect_inputs(out),
            Expr::Binary(_, a, b) => {
                a.collect_inputs(out);
                b.collect_inputs(out);
            }
        }
    }

    /// Evaluates with `value` giving each input's window total. `None` when an input has no
    /// value or a denominator is zero: "no value", never infinity or NaN.
    pub fn eval(&self, value: &mut impl FnMut(&str) -> Option<f64>) -> Option<f64> {
        let result = match self {
            Expr::Number(n) => *n,
            Expr::Metric(id) => value(id)?,
            Expr::Neg(e) => -e.eval(value)?,
            Expr::Binary(op, a, b) => {
                let (a, b) = (a.eval(value)?, b.eval(value)?);
                match op {
                    Op::Add => a + b,
                    Op::Sub => a - b,
                    Op::Mul => a * b,
                    Op::Div if b == 0.0 => return None,
                    Op::Div => a / b,
                }
            }
        };
        result.is_finite().then_some(result)
    }

    /// The denominator of a top-level ratio (`clicks / impressions` → `impressions`), used to
    /// judge sample size.
    pub fn denominator(&self) -> Option<&Expr> {
        match self {
            Expr::Binary(Op::Div, _, d) => Some(d),
            Expr::Binary(Op::Mul, a, b) => a.denominator().or_else(|| b.denominator()),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Number(f64),
    Ident(String),
    Op(Op),
    Open,
    Close,
}

impl fmt::Display for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Token::Number(n) => write!(f, "number `{n}`"),
            Token::Ident(id) => write!(f, "`{id}`"),
            Token::Op(op) => write!(f, "`{}`", op_char(*op)),
            Token::Open => f.write_str("`(`"),
            Token::Close => f.write_str("`)`"),
        }
    }
}

fn op_char(op: Op) -> char {
    match op {
        Op::Add => '+',
        Op::Sub => '-',
        Op::Mul => '*',
        Op::Div => '/',
    }
}

fn tokenize(text: &str) -> Result<Vec<(Token, usize)>, FormulaError> {
    let mut tokens = Vec::new();
    let mut chars = text.char_indices().peekable();
    while let Some(&(i, c)) = chars.peek() {
        let single = match c {
            '+' => Some(Token::Op(Op::Add)),
            '-' | '−' => Some(Token::Op(Op::Sub)),
            '*' | '×' => Some(Token::Op(Op::Mul)),
            '/' | '÷' => Some(Token::Op(Op::Div)),
            '(' => Some(Token::Open),
            ')' => Some(Token::Close),
            _ => None,
        };
        if let Some(tok) = single {
            tokens.push((tok, i));
            chars.next();
        } else if c.is_whitespace() {
            chars.next();
        } else if c.is_ascii_digit() || c == '.' {
            let mut end = i;
            while let Some(&(j, d)) = chars.peek() {
                if !(d.is_ascii_digit() || d == '.' || d == '_') {
                    break;
                }
                end = j + d.len_utf8();
                chars.next();
            }
            let literal = text[i..end].replace('_', "");
            let n = literal.parse::<f64>().map_err(|_| FormulaError {
                message: format!("`{}` is not a number", &text[i..end]),
                offset: i,
            })?;
            tokens.push((Token::Number(n), i));
        } else if c.is_ascii_lowercase() || c == '_' {
            let mut end = i;
            while let Some(&(j, d)) = chars.peek() {
                if !(d.is_ascii_lowercase() || d.is_ascii_digit() || d == '_') {
                    break;
                }
                end = j + 1;
                chars.next();
            }
            tokens.push((Token::Ident(text[i..end].to_string()), i));
        } else {
            return Err(FormulaError {
                message: format!(
                    "unexpected character `{c}`: use metric ids, numbers, + - * / and ( )"
                ),
                offset: i,
            });
        }
    }
    Ok(tokens)
}

struct Parser<'t> {
    tokens: &'t [(Token, usize)],
    pos: usize,
    len: usize,
}

/// How deep a formula's tree may be: parentheses inside parentheses, signs on signs, and terms in
/// a row (`a + b + c` is three levels) all count. Evaluation and input collection walk the tree
/// recursively, so the bound keeps them (and dropping the tree) off the end of the stack; a real
/// formula is a few levels deep.
pub const MAX_DEPTH: usize = 128;

impl Parser<'_> {
    fn peek(&self) -> Option<(&Token, usize)> {
        self.tokens.get(self.pos).map(|(t, o)| (t, *o))
    }

    /// An error unless a tree of `depth` levels is within [`MAX_DEPTH`]; `offset` is where the
    /// level that is one too many starts.
    fn within_bound(depth: usize, offset: usize) -> Result<usize, FormulaError> {
        if depth > MAX_DEPTH {
            return Err(FormulaError {
                message: format!(
                    "the formula is nested too deeply: more than {MAX_DEPTH} levels of parentheses, signs or terms in a row"
                ),
                offset,
            });
        }
        Ok(depth)
    }

    /// A sum and its tree depth.
    fn sum(&mut self, depth: usize) -> Result<(Expr, usize), FormulaError> {
        let (mut left, mut left_depth) = self.product(depth)?;
        while let Some((Token::Op(op @ (Op::Add | Op::Sub)), offset)) = self.peek() {
            let op = *op;
            self.pos += 1;
            let (right, right_depth) = self.product(depth)?;
            left_depth = Self::within_bound(left_depth.max(right_depth) + 1, offset)?;
            left = Expr::Binary(op, Box::new(left), Box::new(right));
        }
        Ok((left, left_depth))
    }

    fn product(&mut self, depth: usize) -> Result<(Expr, usize), FormulaError> {
        let (mut left, mut left_depth) = self.unary(depth)?;
        while let Some((Token::Op(op @ (Op::Mul | Op::Div)), offset)) = self.peek() {
            let op = *op;
            self.pos += 1;
            let (right, right_depth) = self.unary(depth)?;
            left_depth = Self::within_bound(left_depth.max(right_depth) + 1, offset)?;
            left = Expr::Binary(op, Box::new(left), Box::new(right));
        }
        Ok((left, left_depth))
    }

    /// `depth` is how many parentheses and signs enclose this point: the parser's own recursion,
    /// bounded before it recurses.
    fn unary(&mut self, depth: usize) -> Result<(Expr, usize), FormulaError> {
        if let Some((Token::Op(Op::Sub), offset)) = self.peek() {
            Self::within_bound(depth + 1, offset)?;
            self.pos += 1;
            let (inner, inner_depth) = self.unary(depth + 1)?;
            let d = Self::within_bound(inner_depth + 1, offset)?;
            return Ok((Expr::Neg(Box::new(inner)), d));
        }
        self.atom(depth)
    }

    fn atom(&mut self, depth: usize) -> Result<(Expr, usize), FormulaError> {
        let Some((token, offset)) = self.tokens.get(self.pos).map(|(t, o)| (t.clone(), *o)) else {
            return Err(FormulaError {
                message: "the formula ends too early".into(),
                offset: self.len,
            });
        };
        self.pos += 1;
        match token {
            Token::Number(n) => Ok((Expr::Number(n), 1)),
            Token::Ident(id) => Ok((Expr::Metric(id), 1)),
            Token::Open => {
                Self::within_bound(depth + 1, offset)?;
                let inner = self.sum(depth + 1)?;
                match self.peek() {
                    Some((Token::Close, _)) => {
                        self.pos += 1;
                        Ok(inner)
                    }
                    _ => Err(FormulaError {
                        message: "missing `)`".into(),
                        offset,
                    }),
                }
            }
            other => Err(FormulaError {
                message: format!("expected a metric id or a number, found {other}"),
                offset,
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn eval(text: &str, vars: &[(&str, f64)]) -> Option<f64> {
        Expr::parse(text)
            .unwrap()
            .eval(&mut |id| vars.iter().find(|(k, _)| *k == id).map(|(_, v)| *v))
    }

    #[test]
    fn precedence_and_division_by_zero() {
        assert_eq!(
            eval(
                "spend / impressions * 1000",
                &[("spend", 5.0), ("impressions", 2000.0)]
            ),
            Some(2.5)
        );
        assert_eq!(eval("1 - a / b", &[("a", 1.0), ("b", 4.0)]), Some(0.75));
        assert_eq!(
            eval("(a - b) / (a + b)", &[("a", 3.0), ("b", 1.0)]),
            Some(0.5)
        );
        assert_eq!(eval("a / b", &[("a", 3.0), ("b", 0.0)]), None);
        assert_eq!(eval("-a × 2 ÷ 4", &[("a", 3.0)]), Some(-1.5));
    }

    #[test]
    fn inputs_and_errors() {
        let e = Expr::parse("(likes + comments + shares) / impressions").unwrap();
        assert_eq!(e.inputs(), ["likes", "comments", "shares", "impressions"]);
        assert_eq!(
            Expr::parse("a +").unwrap_err().message,
            "the formula ends too early"
        );
        assert_eq!(Expr::parse("(a + b").unwrap_err().message, "missing `)`");
        assert_eq!(Expr::parse("a $ b").unwrap_err().offset, 2);
        assert!(Expr::parse("a b").is_err());
    }

    #[test]
    fn depth_is_bounded() {
        let within = format!(
            "{}a{}",
            "(".repeat(MAX_DEPTH - 1),
            ")".repeat(MAX_DEPTH - 1)
        );
        assert!(Expr::parse(&within).is_ok());
        let nested = format!("{}a{}", "(".repeat(20_000), ")".repeat(20_000));
        let err = Expr::parse(&nested).unwrap_err();
        assert!(err.message.contains("nested too deeply"), "{err}");
        assert_eq!(err.offset, MAX_DEPTH);
        let chain = vec!["likes"; 200_000].join(" - ");
        let err = Expr::parse(&chain).unwrap_err();
        assert!(err.message.contains("nested too deeply"), "{err}");
        let signs = format!("{}a", "-".repeat(20_000));
        assert!(Expr::parse(&signs).is_err());
        let terms = vec!["a"; MAX_DEPTH].join(" + ");
        assert!(Expr::parse(&terms).is_ok());
        let terms = vec!["a"; MAX_DEPTH + 2].join(" + ");
        assert!(Expr::parse(&terms).is_err());
    }
}
