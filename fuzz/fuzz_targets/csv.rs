//! Any bytes as the export of a small goal file, read and evaluated by `check`: must never
//! panic or hang, and exit 0, 1 or 2.
#![no_main]

#[path = "common.rs"]
mod common;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    std::fs::write(common::dir().join("data.csv"), data).expect("export");
    common::check(&["-f", "json"]);
});
