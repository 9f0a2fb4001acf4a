//! The integration tests, as one test binary (one link instead of one per file, as ripgrep does).
//! Each module is one area; `cargo test --test it MODULE::` runs one of them. The data they read
//! stays beside this directory: `tests/cmd`, `tests/fixtures`, `tests/snapshots`, `tests/eval`,
//! `tests/data_errors`, `tests/cases`, `tests/diff`, `tests/action`, `tests/bench`, `tests/hostile`.

mod pool;
mod repo;
mod support;

#[cfg(unix)]
mod action;
mod bench_agreement;
mod check_schema;
mod ci_files;
mod cli;
mod color;
mod diff;
mod diff_git;
mod diff_schema;
mod docs;
mod escaping;
mod evaluation;
mod example;
mod fixtures;
mod github_actions;
mod history;
mod history_schema;
mod hostile;
mod init;
#[cfg(unix)]
mod injection;
mod inspect;
#[cfg(unix)]
mod install;
mod links;
mod notify;
mod outputs;
mod parallel;
mod properties;
mod real_exports;
mod robustness;
mod schema_agreement;
mod schema_drift;
mod sql;
mod vocabulary;
