//! Query sources (`sql:` + `url:`): a PostgreSQL query whose rows are a source's rows, with
//! the aggregation pushed down to the database (docs/sql.md). goalpost never fetches the rows:
//! it wraps the query and asks for one row per (day, series) of sums of the metric columns the
//! goals use, over the days the goals read, and stores those in the same [`Table`](super::Table)
//! a file's rows go to, so evaluation is the same for both.
//!
//! | file | owns |
//! |---|---|
//! | `connect.rs` | the URL from the environment, one connection per URL, errors without the password |
//! | `tls.rs` | the URL's `sslmode` and `sslrootcert`, read as libpq reads them |
//! | `secure.rs` | TLS with rustls (the `tls` feature; `plain.rs` without it) |
//! | `query.rs` | the generated SQL (quoted identifiers, bind parameters) |
//! | `load.rs` | the query's columns resolved like a file's headers, the aggregate read into the table |

mod connect;
mod load;
pub mod query;
#[cfg(not(feature = "tls"))]
#[path = "plain.rs"]
mod secure;
#[cfg(feature = "tls")]
mod secure;
mod tls;

pub use connect::{Connections, env_name};
pub(super) use load::load;
