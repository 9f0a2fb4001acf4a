//! Any bytes as a `--template`, rendered on a small goal file's scorecard: must never panic,
//! hang or exhaust memory (fuel and the 16 MiB output bound), and exit 0, 1 or 2.
#![no_main]

#[path = "common.rs"]
mod common;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let template = common::dir().join("t.j2");
    std::fs::write(&template, data).expect("template");
    let template = template.display().to_string();
    common::check(&["--template", &template, "-f", "markdown"]);
});
