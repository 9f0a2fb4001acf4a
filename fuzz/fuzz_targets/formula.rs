//! Any text as a metric formula: parse, list its inputs, evaluate it (every input 1.5) and drop
//! it. Must never panic or overflow the stack.
#![no_main]

use goalpost::catalog::formula::Expr;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(expr) = Expr::parse(text) {
        let _ = expr.inputs();
        let _ = expr.denominator();
        let value = expr.eval(&mut |_| Some(1.5));
        assert!(value.is_none_or(f64::is_finite));
    }
});
