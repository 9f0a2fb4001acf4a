//! `goalpost schema`: print the goal file's JSON Schema.

use crate::Outcome;
use crate::spec::schema::SCHEMA_TEXT;

/// Prints the committed schema (identical to the one generated from the types).
pub fn run() -> Outcome {
    if super::print_stdout(SCHEMA_TEXT) {
        Outcome::Clean
    } else {
        Outcome::Failed
    }
}
