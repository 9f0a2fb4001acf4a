//! `goalpost schema`: print the goal file's JSON Schema.

use crate::Exit;
use crate::spec::schema::SCHEMA_TEXT;

/// Prints the committed schema (identical to the one generated from the types).
pub fn run() -> Exit {
    if super::print_stdout(SCHEMA_TEXT) {
        Exit::Clean
    } else {
        Exit::Failed
    }
}
