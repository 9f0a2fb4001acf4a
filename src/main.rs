//! The `goalpost` binary: parse arguments, run, exit with the code of SPEC §5.1.
//!
//! | code | meaning                                                         |
//! |------|-----------------------------------------------------------------|
//! | 0    | all good                                                        |
//! | 1    | findings: `validate` found errors                               |
//! | 2    | could not run: bad arguments, unreadable input                  |

fn main() {
    let cli = goalpost::cli::parse();
    std::process::exit(goalpost::run(cli).exit_code());
}
