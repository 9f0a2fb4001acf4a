//! Any bytes as a JSON export (`data.json`) and as an NDJSON export (`data.ndjson`) of a small
//! goal file, read and evaluated by `check`: must never panic or hang, and exit 0, 1 or 2.
#![no_main]

#[path = "common.rs"]
mod common;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let dir = common::dir();
    for name in ["data.json", "data.ndjson"] {
        std::fs::write(dir.join(name), data).expect("export");
    }
    common::check_file("json.yaml", &["-f", "json"]);
});
