//! Exact decimal numbers, as written: `3`, `-1.5`, `1e3`, `.5`, a 30-digit integer, `1e400`.
//!
//! A card's number and a filter's number are compared exactly, not through `f64`: two
//! 19-digit ids that round to the same `f64` are still two different numbers, and `1e400`
//! (beyond `f64`) is still larger than `1e300`. The index keeps an `f64` approximation
//! in its `num` column for index range scans; as rounding to `f64` is monotonic, rows
//! whose approximation differs from the literal's are ordered by it, and only rows with
//! the same approximation need this exact comparison.

use std::cmp::Ordering;
use std::fmt;

/// The largest exponent (in magnitude) a number may have, after normalising it to
/// `0.DIGITS × 10^exponent`: 10^18. Beyond it a number cannot be represented (and error
/// messages say "exponents up to ±10^18").
pub const MAX_EXPONENT: i64 = 1_000_000_000_000_000_000;

/// A number exactly as written, normalised: `0.DIGITS × 10^exponent`, with no leading or
/// trailing zero in `digits` (empty for zero, which is never negative).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decimal {
    negative: bool,
    digits: String,
    exponent: i64,
}

/// Why a text is not a [`Decimal`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotDecimal {
    /// Not written as a number at all (`v3`, `1.2.3`, `0x1F`, `inf`).
    Syntax,
    /// Written as a number, but its exponent is beyond [`MAX_EXPONENT`].
    OutOfRange,
}

impl Decimal {
    /// Reads `[+-] DIGITS [. DIGITS] [e [+-] DIGITS]` (or `.5`, `5.`), blanks around it
    /// ignored.
    pub fn parse(text: &str) -> Result<Decimal, NotDecimal> {
        let text = text.trim();
        let (negative, unsigned) = match text.as_bytes().first() {
            Some(b'-') => (true, &text[1..]),
            Some(b'+') => (false, &text[1..]),
            _ => (false, text),
        };
        let (mantissa, exponent) = match unsigned.find(['e', 'E']) {
            Some(i) => (&unsigned[..i], Some(&unsigned[i + 1..])),
            None => (unsigned, None),
        };
        let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
        let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if whole.len() + fraction.len() == 0 || !all_digits(whole) || !all_digits(fraction) {
            return Err(NotDecimal::Syntax);
        }
        let exponent = match exponent.map(parse_exponent) {
            Some(Err(NotDecimal::Syntax)) => return Err(NotDecimal::Syntax),
            Some(exponent) => exponent,
            None => Ok(0),
        };
        let digits = format!("{whole}{fraction}");
        let leading = digits.bytes().take_while(|b| *b == b'0').count();
        let significant = digits[leading..].trim_end_matches('0');
        if significant.is_empty() {
            return Ok(Decimal::zero());
        }
        let exponent = exponent?;
        let point = i64::try_from(whole.len()).ok().zip(i64::try_from(leading).ok());
        let exponent = point
            .and_then(|(point, leading)| exponent.checked_add(point)?.checked_sub(leading))
            .filter(|e| e.abs() <= MAX_EXPONENT)
            .ok_or(NotDecimal::OutOfRange)?;
        Ok(Decimal { negative, digits: significant.to_string(), exponent })
    }

    pub fn zero() -> Decimal {
        Decimal { negative: false, digits: String::new(), exponent: 0 }
    }

    pub fn one() -> Decimal {
        Decimal { negative: false, digits: "1".into(), exponent: 1 }
    }

    /// The nearest `f64`: infinite beyond its range, zero below it.
    pub fn to_f64(&self) -> f64 {
        if self.digits.is_empty() {
            return 0.0;
        }
        let sign = if self.negative { "-" } else { "" };
        format!("{sign}0.{}e{}", self.digits, self.exponent).parse().unwrap_or(f64::NAN)
    }

    /// A text whose byte order is this number's order, for SQLite to sort by: `0` and a
    /// complemented body for negatives, `1` for zero, `2` and the body for positives. The
    /// body is the exponent (biased to be positive, fixed width), then the digits; a
    /// negative's digits end in `~`, so that a shorter one (a smaller magnitude) sorts after.
    pub fn sort_key(&self) -> String {
        const BIAS: i64 = 2 * MAX_EXPONENT;
        if self.digits.is_empty() {
            return "1".into();
        }
        if !self.negative {
            return format!("2{:019}{}", self.exponent + BIAS, self.digits);
        }
        let digits: String = self.digits.bytes().map(|b| char::from(b'9' - (b - b'0'))).collect();
        format!("0{:019}{digits}~", 2 * BIAS - (self.exponent + BIAS))
    }

    fn magnitude_cmp(&self, other: &Decimal) -> Ordering {
        match (self.digits.is_empty(), other.digits.is_empty()) {
            (true, true) => Ordering::Equal,
            (true, false) => Ordering::Less,
            (false, true) => Ordering::Greater,
            // 0.12 < 0.123: a digit string that is a prefix of another is the smaller.
            (false, false) => self.exponent.cmp(&other.exponent).then_with(|| self.digits.cmp(&other.digits)),
        }
    }
}

/// An exponent of at most 18 digits (after leading zeros), so that it fits an `i64`.
fn parse_exponent(text: &str) -> Result<i64, NotDecimal> {
    let (negative, digits) = match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(NotDecimal::Syntax);
    }
    let digits = digits.trim_start_matches('0');
    if digits.len() > 18 {
        return Err(NotDecimal::OutOfRange);
    }
    let value: i64 =
        if digits.is_empty() { 0 } else { digits.parse().map_err(|_| NotDecimal::OutOfRange)? };
    Ok(if negative { -value } else { value })
}

impl Ord for Decimal {
    fn cmp(&self, other: &Decimal) -> Ordering {
        let sign = |d: &Decimal| match (d.negative, d.digits.is_empty()) {
            (_, true) => 0,
            (true, false) => -1,
            (false, false) => 1,
        };
        match sign(self).cmp(&sign(other)) {
            Ordering::Equal if self.negative => other.magnitude_cmp(self),
            Ordering::Equal => self.magnitude_cmp(other),
            unequal => unequal,
        }
    }
}

impl PartialOrd for Decimal {
    fn partial_cmp(&self, other: &Decimal) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for Decimal {
    /// The normalised form, `-0.15e2` for `-15`: for messages and tests, not for users'
    /// values, which are always shown as written.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.digits.is_empty() {
            return f.write_str("0");
        }
        write!(f, "{}0.{}e{}", if self.negative { "-" } else { "" }, self.digits, self.exponent)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> Decimal {
        Decimal::parse(text).unwrap_or_else(|e| panic!("{text}: {e:?}"))
    }

    #[test]
    fn numbers_are_read_and_normalised() {
        assert_eq!(d("15").to_string(), "0.15e2");
        assert_eq!(d("-0015.500e0").to_string(), "-0.155e2");
        assert_eq!(d(".5").to_string(), "0.5e0");
        assert_eq!(d("5.").to_string(), "0.5e1");
        assert_eq!(d("+1E+3").to_string(), "0.1e4");
        assert_eq!(d("1e-3").to_string(), "0.1e-2");
        assert_eq!(d(" -0.0 ").to_string(), "0");
        assert_eq!(d("-0"), Decimal::zero());
        assert_eq!(d("0e999999999999999999999999"), Decimal::zero(), "zero whatever its exponent");
        assert_eq!(d("1e400").to_f64(), f64::INFINITY);
        assert_eq!(d("-1e400").to_f64(), f64::NEG_INFINITY);
        assert_eq!(d("1e-400").to_f64(), 0.0);
        assert_eq!(d("123456789012345678901234567890").to_string(), "0.12345678901234567890123456789e30");
        for text in
            ["", "-", ".", "e3", "1e", "1e+", "v3", "3rd", "1.2.3", "0x1F", "inf", "NaN", "1_000", "--1"]
        {
            assert_eq!(Decimal::parse(text), Err(NotDecimal::Syntax), "{text:?}");
        }
        for text in ["1e1000000000000000001", "1e9999999999999999999999", "0.1e-1000000000000000000"] {
            assert_eq!(Decimal::parse(text), Err(NotDecimal::OutOfRange), "{text:?}");
        }
        assert!(Decimal::parse("1e999999999999999999").is_ok(), "18 digits of exponent");
    }

    #[test]
    fn comparison_is_exact_where_f64_is_not() {
        let ordered = [
            "-1e400",
            "-123456789012345678901234567891",
            "-123456789012345678901234567890",
            "-10",
            "-2.5",
            "-0.123",
            "-0.12",
            "-1e-400",
            "0",
            "1e-400",
            "0.12",
            "0.123",
            "2",
            "16",
            "1e2",
            "9007199254740992",
            "9007199254740993",
            "123456789012345678901234567890",
            "123456789012345678901234567891",
            "1e400",
            "1.0000000000000000000000001e400",
        ];
        let expected: Vec<Decimal> = ordered.iter().map(|t| d(t)).collect();
        let mut sorted: Vec<Decimal> = expected.iter().rev().cloned().collect();
        sorted.sort();
        assert_eq!(sorted, expected);
        let keys: Vec<String> = expected.iter().map(Decimal::sort_key).collect();
        let mut sorted_keys: Vec<String> = keys.iter().rev().cloned().collect();
        sorted_keys.sort();
        assert_eq!(keys, sorted_keys, "sort keys order as the numbers do");
        assert_eq!(d("1e1").cmp(&d("10.000")), Ordering::Equal);
        assert_eq!(d("1e1").sort_key(), d("10").sort_key());
        assert_ne!(d("9007199254740993"), d("9007199254740992"));
        assert_eq!(d("9007199254740993").to_f64(), d("9007199254740992").to_f64());
    }

    fn decimal_text() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        ("[-+]?", "[0-9]{0,25}", proptest::option::of("[0-9]{0,25}"), proptest::option::of(-400i64..400))
            .prop_filter("a digit", |(_, whole, fraction, _)| {
                !whole.is_empty() || fraction.as_ref().is_some_and(|f| !f.is_empty())
            })
            .prop_map(|(sign, whole, fraction, exponent)| {
                let fraction = fraction.map(|f| format!(".{f}")).unwrap_or_default();
                let exponent = exponent.map(|e| format!("e{e}")).unwrap_or_default();
                format!("{sign}{whole}{fraction}{exponent}")
            })
    }

    proptest::proptest! {
        /// The exact order, the sort keys' order and the f64s' order never disagree.
        #[test]
        fn orders_agree(a in decimal_text(), b in decimal_text()) {
            let (x, y) = (d(&a), d(&b));
            proptest::prop_assert_eq!(x.cmp(&y), x.sort_key().cmp(&y.sort_key()), "{} {}", a, b);
            let (fx, fy) = (x.to_f64(), y.to_f64());
            proptest::prop_assert_eq!(fx, a.parse::<f64>().expect("rust reads it"));
            if x < y {
                proptest::prop_assert!(fx <= fy, "{} < {} but {} > {}", a, b, fx, fy);
            }
            if fx < fy {
                proptest::prop_assert!(x < y, "{} < {} as f64 only", a, b);
            }
        }
    }
}
