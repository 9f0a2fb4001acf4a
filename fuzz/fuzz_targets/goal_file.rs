//! Any bytes as a goal file: parse (YAML with spans, schema, model) and, when it parses, lint.
//! Must never panic, overflow the stack or hang.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(parsed) = goalpost::spec::parse_bytes("fuzz.yaml", std::path::PathBuf::new(), data) {
        let _ = goalpost::lint::lint(&parsed, &goalpost::lint::LevelOverrides::default());
    }
});
