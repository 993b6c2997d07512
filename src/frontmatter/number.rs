//! Floats written in YAML and TOML, as the JSON numbers a card's fields hold.
//!
//! JSON keeps a number's digits (serde_json's `arbitrary_precision`), so `1e400` and
//! `1e-400` are numbers there, compared exactly. YAML and TOML floats read the same way:
//! a float a 64-bit float holds (`1.5`, `2.0e3`) is that float, as `termdex set`
//! expects when it reads back what it wrote; one it would make infinite or zero
//! (`1e400`, `-1e400`, `1e-400`) keeps its digits. Infinity, NaN and exponents beyond
//! [`crate::value::MAX_EXPONENT`] are no number termdex can compare: the reader keeps the
//! text as written and reports it ([`not_a_number`]), so `check` names it and no
//! numeric comparison ever matches it.

use serde_json::Number;

use crate::value::Decimal;

/// The JSON number for a float written in decimal (`1.5`, `+1.e400`, `.5`, `1e-400`);
/// `None` when termdex cannot compare it (an exponent beyond its range).
pub(crate) fn float(text: &str) -> Option<Number> {
    let exact = Decimal::parse(text).ok()?;
    let approx: f64 = text.parse().ok()?;
    if approx.is_finite() && (approx != 0.0 || exact == Decimal::zero()) {
        return Number::from_f64(approx);
    }
    digits(text)
}

/// A float as a JSON number with the same digits (`+1.e400` is `1e400`, `.5e400` is
/// `0.5e400`): JSON has no `+`, and needs digits on both sides of a dot.
fn digits(text: &str) -> Option<Number> {
    let unsigned = text.strip_prefix('+').unwrap_or(text);
    let (sign, unsigned) = unsigned.strip_prefix('-').map_or(("", unsigned), |rest| ("-", rest));
    let split = unsigned.find(['e', 'E']).unwrap_or(unsigned.len());
    let (mantissa, exponent) = unsigned.split_at(split);
    let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let whole = if whole.is_empty() { "0" } else { whole };
    let fraction = if fraction.is_empty() { String::new() } else { format!(".{fraction}") };
    format!("{sign}{whole}{fraction}{exponent}").parse().ok()
}

/// What the readers report for a value written as a number that termdex cannot compare,
/// kept as text: `key` is the field's dotted key.
pub(crate) fn not_a_number(key: &str, text: &str) -> String {
    format!(
        "{key}: {text} is not a number termdex can compare (write it as text in quotes, or a finite number)"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shown(text: &str) -> Option<String> {
        float(text).map(|n| n.to_string())
    }

    #[test]
    fn floats_a_64_bit_float_holds_are_that_float_and_others_keep_their_digits() {
        assert_eq!(shown("1.50").as_deref(), Some("1.5"));
        assert_eq!(shown("2.0e3").as_deref(), Some("2000.0"));
        assert_eq!(shown("0.0").as_deref(), Some("0.0"));
        assert_eq!(shown("1e400").as_deref(), Some("1e+400"));
        assert_eq!(shown("-1e400").as_deref(), Some("-1e+400"));
        assert_eq!(shown("1e-400").as_deref(), Some("1e-400"));
        assert_eq!(shown("1.0e-400").as_deref(), Some("1.0e-400"));
        assert_eq!(shown("+1.e400").as_deref(), Some("1e+400"));
        assert_eq!(shown("-.5E400").as_deref(), Some("-0.5e+400"));
        assert_eq!(shown("0e-400").as_deref(), Some("0.0"), "zero is zero however written");
        assert_eq!(shown("1e99999999999999999999"), None);
        assert_eq!(shown("inf"), None);
    }
}
