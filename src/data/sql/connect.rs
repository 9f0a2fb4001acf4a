//! Connecting to a query source's database: the URL read from the environment (`url: env:NAME`),
//! one connection per distinct URL for the whole run, and errors that name the host and user but
//! never the password.

use std::time::Duration;

use postgres::config::Host;
use postgres::{Client, Config};

use super::secure::{self, Failure};
use super::tls;

use crate::data::DataError;
use crate::resolve::defaults;

/// An open connection and what the report says about its server.
pub struct Connection {
    /// The client.
    pub client: Client,
    /// `SELECT version()`.
    pub version: String,
    /// `host:port` (or the socket directory), for messages.
    pub host: String,
    /// The password, to scrub from any text shown (a server never sends it; this is insurance
    /// against a driver message that might).
    password: Option<String>,
}

impl Connection {
    /// What messages about this connection may say.
    pub fn context(&self) -> Said {
        Said {
            host: self.host.clone(),
            version: self.version.clone(),
            password: self.password.clone(),
        }
    }
}

/// What an error message may say about a connection: its host and server, and the password to
/// scrub (a server never sends it; this is insurance against a driver message that might).
pub struct Said {
    /// `host:port`.
    pub host: String,
    /// `SELECT version()`.
    pub version: String,
    password: Option<String>,
}

impl Said {
    /// `text` with the password replaced by `***`.
    pub fn scrub(&self, text: &str) -> String {
        scrub(text, self.password.as_deref())
    }
}

/// The connections of one run, by URL: sources on the same database share one.
#[derive(Default)]
pub struct Connections {
    open: Vec<(String, Connection)>,
}

impl Connections {
    /// The connection for source `id`'s `url:` (`env:NAME`), opened on first use.
    pub fn get(&mut self, id: &str, declared: &str) -> Result<&mut Connection, DataError> {
        let url = url_from_env(id, declared)?;
        let index = match self.open.iter().position(|(u, _)| *u == url) {
            Some(i) => i,
            None => {
                let connection = connect(id, &url, env_name(declared).unwrap_or_default())?;
                self.open.push((url, connection));
                self.open.len() - 1
            }
        };
        Ok(&mut self.open[index].1)
    }
}

/// The environment variable a `url:` names (`env:NAME`); lint has already refused any other form.
pub fn env_name(declared: &str) -> Option<&str> {
    declared
        .strip_prefix("env:")
        .map(str::trim)
        .filter(|n| !n.is_empty())
}

fn url_from_env(id: &str, declared: &str) -> Result<String, DataError> {
    let pointer = format!("/sources/{id}/url");
    let name = env_name(declared).ok_or_else(|| {
        DataError::at(
            id,
            None,
            "`url:` must name an environment variable: `env:NAME`",
        )
        .declared_at(pointer.clone())
    })?;
    match std::env::var(name) {
        Ok(url) if !url.trim().is_empty() => Ok(url),
        _ => Err(DataError::at(
            id,
            None,
            format!("source `{id}`: the environment variable `{name}` is not set"),
        )
        .help(format!(
            "set `{name}` to the database's URL: postgres://USER:PASSWORD@HOST:5432/DATABASE (docs/sql.md)"
        ))
        .declared_at(pointer)),
    }
}

/// Opens a connection: the URL's settings, plus goalpost's connect timeout when the URL sets
/// none, TLS as its `sslmode` asks (docs/sql.md, "TLS"), a read-only session, and a statement
/// timeout when the server has none.
fn connect(id: &str, url: &str, variable: &str) -> Result<Connection, DataError> {
    let pointer = format!("/sources/{id}/url");
    let home = std::env::var_os("HOME").map(std::path::PathBuf::from);
    let (rest, plan) = tls::split(url, home.as_deref()).map_err(|why| {
        DataError::at(
            id,
            None,
            format!("source `{id}`: the TLS settings of the database URL in `{variable}`: {why}"),
        )
        .help("docs/sql.md, \"TLS\", lists the `sslmode` values and what each checks")
        .declared_at(pointer.clone())
    })?;
    let mut config: Config = rest.parse().map_err(|e: postgres::Error| {
        // The parser's reasons name a key (`unknown option `x``), never a value.
        let why = describe(&e);
        let why = if why.contains("option `") {
            format!(
                ": {}",
                why.trim_start_matches("invalid connection string: ")
            )
        } else {
            String::new()
        };
        DataError::at(
            id,
            None,
            format!("source `{id}`: the database URL is not a PostgreSQL connection URL{why}"),
        )
        .help("write it as postgres://USER:PASSWORD@HOST:5432/DATABASE (docs/sql.md)")
        .declared_at(pointer.clone())
    })?;
    let password = config
        .get_password()
        .map(|p| String::from_utf8_lossy(p).into_owned());
    let host = hosts(&config);
    if config.get_connect_timeout().is_none() {
        config.connect_timeout(Duration::from_secs(defaults::SQL_CONNECT_TIMEOUT_SECS));
    }
    if config.get_application_name().is_none() {
        config.application_name("goalpost");
    }
    let user = config.get_user().unwrap_or_default().to_string();
    let mode = plan.mode.name();
    let mut client = secure::open(&mut config, &plan).map_err(|failure| {
        let (why, help) = match failure {
            Failure::Setup(why) => (
                why,
                "docs/sql.md, \"TLS\", says what each `sslmode` needs".to_string(),
            ),
            Failure::Connect(e) => secure::explain(&e, &host).unwrap_or_else(|| {
                (
                    describe(&e),
                    format!("check the host, port, user and password of the URL in `{variable}`, and that the server is up"),
                )
            }),
        };
        let why = scrub(&why, password.as_deref());
        DataError::at(
            id,
            None,
            format!("source `{id}`: cannot connect to {host} as `{user}` (sslmode={mode}): {why}"),
        )
        .help(help)
        .declared_at(pointer.clone())
    })?;
    let setup = |client: &mut Client| -> Result<String, postgres::Error> {
        let timeout: String = client.query_one("SHOW statement_timeout", &[])?.get(0);
        if timeout == "0" {
            client.batch_execute(&format!(
                "SET statement_timeout = '{}s'",
                defaults::SQL_STATEMENT_TIMEOUT_SECS
            ))?;
        }
        client.query_one("SELECT version()", &[])?.try_get(0)
    };
    let version = setup(&mut client).map_err(|e| {
        DataError::at(
            id,
            None,
            format!(
                "source `{id}`: {host} accepted the connection but not goalpost's setup: {}",
                scrub(&describe(&e), password.as_deref())
            ),
        )
        .declared_at(pointer)
    })?;
    Ok(Connection {
        client,
        version,
        host,
        password,
    })
}

/// `host:port, …` of the URL.
fn hosts(config: &Config) -> String {
    let ports = config.get_ports();
    let shown: Vec<String> = config
        .get_hosts()
        .iter()
        .enumerate()
        .map(|(i, h)| {
            let port = ports.get(i).or(ports.first()).copied().unwrap_or(5432);
            match h {
                Host::Tcp(name) => format!("{name}:{port}"),
                #[cfg(unix)]
                Host::Unix(dir) => format!("{} (port {port})", dir.display()),
            }
        })
        .collect();
    if shown.is_empty() {
        "localhost:5432".into()
    } else {
        shown.join(", ")
    }
}

/// An error as one sentence: the server's message when it sent one, else the driver's.
pub fn describe(e: &postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => db.message().to_string(),
        None => {
            let mut text = e.to_string();
            let mut source = std::error::Error::source(e);
            while let Some(s) = source {
                let more = s.to_string();
                if !text.contains(&more) {
                    text = format!("{text}: {more}");
                }
                source = s.source();
            }
            text
        }
    }
}

/// `text` with every occurrence of `password` replaced by `***`.
pub fn scrub(text: &str, password: Option<&str>) -> String {
    match password.filter(|p| !p.is_empty()) {
        Some(p) => text.replace(p, "***"),
        None => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_names() {
        assert_eq!(
            env_name("env:GOALPOST_DATABASE_URL"),
            Some("GOALPOST_DATABASE_URL")
        );
        assert_eq!(env_name("env:"), None);
        assert_eq!(env_name("postgres://u:p@h/db"), None);
    }

    #[test]
    fn hosts_are_shown_with_ports_and_without_credentials() {
        let config: Config = "postgres://ann:s3cret@db.example.com:6543/social"
            .parse()
            .unwrap();
        assert_eq!(hosts(&config), "db.example.com:6543");
        assert_eq!(scrub("bad s3cret here", Some("s3cret")), "bad *** here");
    }
}
