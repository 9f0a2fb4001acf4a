//! Command-line cases as data: tests/cmd/NAME.toml gives the arguments and exit code,
//! NAME.stdout / NAME.stderr the expected output (`TRYCMD=overwrite` rewrites them).

#[test]
fn cli_cases() {
    trycmd::TestCases::new()
        .env("NO_COLOR", "1")
        .case("tests/cmd/*.toml");
}
