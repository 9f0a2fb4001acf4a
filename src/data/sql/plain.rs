//! Opening a connection in a build without the `tls` feature: plain text only. A URL that
//! asks for TLS (`require`, `verify-ca`, `verify-full`) is refused, never downgraded; `allow`
//! and `prefer` connect in plain text, as libpq built without TLS does.

use postgres::config::SslMode;
use postgres::{Client, Config, NoTls};

use super::tls::Plan;

/// Why a connection could not be opened.
pub enum Failure {
    /// Before connecting: the URL asks for what this build cannot do.
    Setup(String),
    /// The driver's or the server's error.
    Connect(postgres::Error),
}

/// Connects with `config` in plain text, unless `plan` needs TLS.
pub fn open(config: &mut Config, plan: &Plan) -> Result<Client, Failure> {
    if plan.mode.requires_tls() {
        return Err(Failure::Setup(format!(
            "the URL asks for TLS (`sslmode={}`), and this goalpost was built without TLS (the `tls` Cargo feature)",
            plan.mode.name()
        )));
    }
    config
        .ssl_mode(SslMode::Disable)
        .connect(NoTls)
        .map_err(Failure::Connect)
}

/// Nothing to explain: this build never attempts TLS.
pub fn explain(_e: &postgres::Error, _host: &str) -> Option<(String, String)> {
    None
}
