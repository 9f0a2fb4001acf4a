//! What the URL asks of TLS (`sslmode`, `sslrootcert`), read the way libpq reads it
//! (docs/sql.md, "TLS"). The `postgres` crate's URL parser knows only `disable`, `prefer` and
//! `require` and no `sslrootcert`, so these keys are taken out of the URL here, before it is
//! handed over, and turned into a [`Plan`]: whether to use TLS and how to check the server's
//! certificate. Nothing here prints the URL: the reasons name keys and file paths only.

use std::path::PathBuf;

/// libpq's `sslmode` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// No TLS.
    Disable,
    /// Plain first; TLS when the server refuses the plain connection.
    Allow,
    /// TLS when the server offers it; plain when it does not or the handshake fails.
    Prefer,
    /// TLS or nothing; the certificate checked only when a root certificate file exists.
    Require,
    /// TLS, the certificate chain checked against the root certificates.
    VerifyCa,
    /// TLS, the chain and the host name checked.
    VerifyFull,
}

impl Mode {
    /// The `sslmode` value.
    pub fn name(self) -> &'static str {
        match self {
            Mode::Disable => "disable",
            Mode::Allow => "allow",
            Mode::Prefer => "prefer",
            Mode::Require => "require",
            Mode::VerifyCa => "verify-ca",
            Mode::VerifyFull => "verify-full",
        }
    }

    fn parse(value: &str) -> Option<Mode> {
        [
            Mode::Disable,
            Mode::Allow,
            Mode::Prefer,
            Mode::Require,
            Mode::VerifyCa,
            Mode::VerifyFull,
        ]
        .into_iter()
        .find(|m| m.name() == value)
    }

    /// Whether the connection must be encrypted.
    #[cfg_attr(
        feature = "tls",
        allow(dead_code, reason = "the build without TLS refuses these modes")
    )]
    pub fn requires_tls(self) -> bool {
        matches!(self, Mode::Require | Mode::VerifyCa | Mode::VerifyFull)
    }
}

/// Where the trusted root certificates come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Roots {
    /// A PEM file: `sslrootcert=PATH`, or libpq's default `~/.postgresql/root.crt`.
    File(PathBuf),
    /// `sslrootcert=system`: the public roots of the Mozilla program, built in.
    Public,
}

/// How the server's certificate is checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verify {
    /// Not at all: the connection is encrypted, the server not authenticated.
    Nothing,
    /// Its chain must end at one of the roots; any host name.
    Chain(Roots),
    /// Its chain must end at one of the roots and it must name the host.
    ChainAndName(Roots),
}

/// What one URL asks of TLS.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    /// The `sslmode` (libpq's default: `prefer`).
    pub mode: Mode,
    /// The certificate check when TLS is used.
    pub verify: Verify,
}

/// The TLS keys of a URL, as written.
#[derive(Debug, Default, PartialEq, Eq)]
struct Asked {
    mode: Option<String>,
    root: Option<String>,
}

/// Keys libpq has and goalpost does not support, with why; the `postgres` crate would call
/// them unknown options.
const UNSUPPORTED: &[(&str, &str)] = &[
    ("sslcert", "client certificates"),
    ("sslkey", "client certificates"),
    ("sslpassword", "client certificates"),
    ("sslcertmode", "client certificates"),
    ("sslcrl", "certificate revocation lists"),
    ("sslcrldir", "certificate revocation lists"),
];

/// Splits `url` into the URL without its `sslmode` and `sslrootcert` (for the `postgres`
/// crate) and the TLS [`Plan`] they ask for. `home` is the user's home directory, where
/// libpq looks for `.postgresql/root.crt` when no `sslrootcert` is given. The error is a
/// reason that never quotes the URL.
pub fn split(url: &str, home: Option<&std::path::Path>) -> Result<(String, Plan), String> {
    let (rest, asked) = take_keys(url)?;
    let plan = plan(&asked, home)?;
    Ok((rest, plan))
}

/// The TLS plan for the keys asked, following libpq: a root certificate file (given, or
/// libpq's default when it exists) makes `prefer` and `require` check the chain too;
/// `verify-ca` and `verify-full` need one (`system` only with `verify-full`, which it
/// implies when no `sslmode` is given).
fn plan(asked: &Asked, home: Option<&std::path::Path>) -> Result<Plan, String> {
    let system = asked.root.as_deref() == Some("system");
    let mode = match asked.mode.as_deref() {
        None if system => Mode::VerifyFull,
        None => Mode::Prefer,
        Some(value) => Mode::parse(value).ok_or_else(|| {
            format!("`sslmode={value}` is not a TLS mode: use disable, allow, prefer, require, verify-ca or verify-full")
        })?,
    };
    if mode == Mode::Disable {
        return Ok(Plan {
            mode,
            verify: Verify::Nothing,
        });
    }
    let roots = match asked.root.as_deref() {
        Some("system") if mode != Mode::VerifyFull => {
            return Err(format!(
                "`sslrootcert=system` needs `sslmode=verify-full` (the URL has `sslmode={}`): public roots vouch for host names, so libpq refuses a weaker mode with them",
                mode.name()
            ));
        }
        Some("system") => Some(Roots::Public),
        Some("") => None,
        Some(path) => {
            let path = PathBuf::from(path);
            if !path.is_file() {
                return Err(format!(
                    "the root certificate file `sslrootcert={}` does not exist",
                    path.display()
                ));
            }
            Some(Roots::File(path))
        }
        None => home
            .map(|h| h.join(".postgresql").join("root.crt"))
            .filter(|p| p.is_file())
            .map(Roots::File),
    };
    let verify = match (mode, roots) {
        (Mode::VerifyFull, Some(roots)) => Verify::ChainAndName(roots),
        (_, Some(roots)) => Verify::Chain(roots),
        (Mode::VerifyCa | Mode::VerifyFull, None) => {
            return Err(format!(
                "`sslmode={}` checks the server's certificate against root certificates, and the URL names none",
                mode.name()
            ));
        }
        (_, None) => Verify::Nothing,
    };
    Ok(Plan { mode, verify })
}

/// `url` without its `sslmode` and `sslrootcert`, and their values. Both of the forms the
/// `postgres` crate reads: `postgres://…?key=value&…` and `key=value key='a value' …`.
fn take_keys(url: &str) -> Result<(String, Asked), String> {
    let mut asked = Asked::default();
    let mut keep = |key: &str, value: String| -> Result<bool, String> {
        if let Some((_, what)) = UNSUPPORTED.iter().find(|(k, _)| *k == key) {
            return Err(format!(
                "`{key}` is not supported: goalpost does not send {what}"
            ));
        }
        match key {
            "sslmode" => asked.mode = Some(value),
            "sslrootcert" => asked.root = Some(value),
            _ => return Ok(true),
        }
        Ok(false)
    };
    let rest = if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        // The query starts at the first `?` after the credentials (which may hold one).
        let after_at = url.find('@').map_or(0, |i| i + 1);
        match url[after_at..].find('?') {
            None => url.to_string(),
            Some(q) => {
                let (head, query) = url.split_at(after_at + q);
                let mut kept = Vec::new();
                for piece in query[1..].split('&').filter(|p| !p.is_empty()) {
                    let (key, value) = piece.split_once('=').unwrap_or((piece, ""));
                    if keep(&decode(key), decode(value))? {
                        kept.push(piece);
                    }
                }
                if kept.is_empty() {
                    head.to_string()
                } else {
                    format!("{head}?{}", kept.join("&"))
                }
            }
        }
    } else {
        let mut kept = Vec::new();
        for (key, value, text) in key_values(url) {
            if keep(key, value)? {
                kept.push(text);
            }
        }
        kept.join(" ")
    };
    Ok((rest, asked))
}

/// `%XX` escapes decoded (as the `postgres` crate decodes a URL's keys and values).
fn decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(b)) => {
                out.push(b);
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The `key = value` pairs of libpq's keyword form with their text, read as the `postgres`
/// crate reads them (a value in `'…'` may hold blanks; `\` escapes the next character). It
/// stops at the first thing that is not a pair: the crate's parser reports that.
fn key_values(text: &str) -> Vec<(&str, String, &str)> {
    let mut pairs = Vec::new();
    let mut rest = text;
    loop {
        let start = text.len() - rest.trim_start().len();
        rest = rest.trim_start();
        let Some(eq) = rest.find('=') else { break };
        let key = rest[..eq].trim_end();
        if key.is_empty() || key.contains(char::is_whitespace) {
            break;
        }
        let after = rest[eq + 1..].trim_start();
        let mut value = String::new();
        let mut chars = after.char_indices();
        let quoted = after.starts_with('\'');
        if quoted {
            chars.next();
        }
        let mut end = after.len();
        let mut closed = !quoted;
        while let Some((i, c)) = chars.next() {
            match c {
                '\\' => {
                    if let Some((_, next)) = chars.next() {
                        value.push(next);
                    }
                }
                '\'' if quoted => {
                    end = i + 1;
                    closed = true;
                    break;
                }
                c if !quoted && c.is_whitespace() => {
                    end = i;
                    break;
                }
                c => value.push(c),
            }
        }
        if !closed {
            break;
        }
        let consumed = text.len() - after.len() + end;
        pairs.push((key, value, &text[start..consumed]));
        rest = &text[consumed..];
    }
    pairs
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split_ok(url: &str) -> (String, Plan) {
        split(url, None).unwrap()
    }

    #[test]
    fn the_tls_keys_leave_a_url_and_the_rest_stays() {
        let (rest, plan) = split_ok(
            "postgres://u:p?w@h:5/db?application_name=x&sslmode=require&connect_timeout=3",
        );
        assert_eq!(
            rest,
            "postgres://u:p?w@h:5/db?application_name=x&connect_timeout=3"
        );
        assert_eq!(plan.mode, Mode::Require);
        assert_eq!(plan.verify, Verify::Nothing);
        let (rest, plan) = split_ok("postgresql://h/db?sslmode=disable");
        assert_eq!(rest, "postgresql://h/db");
        assert_eq!(plan.mode, Mode::Disable);
        assert_eq!(split_ok("postgres://h/db").1.mode, Mode::Prefer);
    }

    #[test]
    fn the_keyword_form_too() {
        let (rest, plan) =
            split_ok("host=h password='a b\\'c' sslmode = verify-full sslrootcert=system dbname=d");
        assert_eq!(rest, "host=h password='a b\\'c' dbname=d");
        assert_eq!(plan.mode, Mode::VerifyFull);
        assert_eq!(plan.verify, Verify::ChainAndName(Roots::Public));
    }

    #[test]
    fn libpq_rules_for_roots() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("ca.pem");
        std::fs::write(&root, "x").unwrap();
        let with = |mode: &str| {
            split(
                &format!(
                    "postgres://h/d?sslmode={mode}&sslrootcert={}",
                    root.display()
                ),
                None,
            )
            .map(|(_, p)| p.verify)
        };
        let file = Roots::File(root.clone());
        // A root file makes `require` check the chain, as libpq does.
        assert_eq!(with("require"), Ok(Verify::Chain(file.clone())));
        assert_eq!(with("verify-ca"), Ok(Verify::Chain(file.clone())));
        assert_eq!(with("verify-full"), Ok(Verify::ChainAndName(file.clone())));
        assert_eq!(with("disable"), Ok(Verify::Nothing));
        // libpq's default file, in the home directory, counts when it exists.
        std::fs::create_dir(dir.path().join(".postgresql")).unwrap();
        let default = dir.path().join(".postgresql").join("root.crt");
        std::fs::write(&default, "x").unwrap();
        let plan = split("postgres://h/d?sslmode=require", Some(dir.path()))
            .unwrap()
            .1;
        assert_eq!(plan.verify, Verify::Chain(Roots::File(default)));
        // Verification without roots, a missing file, `system` with a weaker mode, an unknown
        // mode and client certificates are refused, never weakened.
        for url in [
            "postgres://h/d?sslmode=verify-ca",
            "postgres://h/d?sslmode=verify-full&sslrootcert=/no/such/file.pem",
            "postgres://h/d?sslmode=require&sslrootcert=system",
            "postgres://h/d?sslmode=verify_full",
            "postgres://h/d?sslmode=require&sslcert=/c.pem",
        ] {
            let why = split(url, None).unwrap_err();
            assert!(!why.contains("postgres://"), "{why}");
        }
        assert_eq!(
            split_ok("postgres://h/d?sslrootcert=system").1.mode,
            Mode::VerifyFull
        );
    }

    #[test]
    fn escapes_are_decoded() {
        assert_eq!(decode("verify%2Dfull"), "verify-full");
        assert_eq!(decode("100%"), "100%");
        let plan = split_ok("postgres://h/d?ssl%6Dode=verify%2Dfull&sslrootcert=system").1;
        assert_eq!(plan.mode, Mode::VerifyFull);
    }
}
