//! Writing JSON that is safe to show on a terminal.
//!
//! serde_json escapes the C0 controls, `"` and `\`, but writes DEL, the C1 controls
//! (U+0080–U+009F: U+009B is a one-character CSI to many terminals) and the bidi
//! overrides (U+202E) as they are. Those are escaped here as `\uXXXX`, which JSON reads
//! back as the same string, so `jq` and scripts see exactly the value the card holds
//! and a terminal sees nothing it would act on.

use std::io::{self, Write};

use serde::Serialize;
use serde_json::ser::{CompactFormatter, Formatter, PrettyFormatter};

use super::format::is_unsafe;

/// `value` as compact JSON (one line, for `jsonl`).
pub fn write_compact<W: Write, T: Serialize + ?Sized>(out: W, value: &T) -> io::Result<()> {
    let mut ser = serde_json::Serializer::with_formatter(out, Escaping(CompactFormatter));
    value.serialize(&mut ser).map_err(io::Error::from)
}

/// `value` as indented JSON (for `json`).
pub fn write_pretty<W: Write, T: Serialize + ?Sized>(out: W, value: &T) -> io::Result<()> {
    let mut ser = serde_json::Serializer::with_formatter(out, Escaping(PrettyFormatter::new()));
    value.serialize(&mut ser).map_err(io::Error::from)
}

/// A formatter that escapes [`is_unsafe`] characters in strings and passes everything
/// else to the formatter it wraps.
struct Escaping<F>(F);

/// The first byte of every UTF-8 sequence [`is_unsafe`] can match that serde_json leaves
/// as it is: DEL, the C1 controls (`C2 80`–`C2 9F`) and the bidi controls (`E2 80 AA`...).
/// Fragments without any of them, nearly all, are written in one go.
fn may_hold_unsafe(bytes: &[u8]) -> bool {
    bytes.iter().any(|&b| matches!(b, 0x7f | 0xc2 | 0xe2))
}

impl<F: Formatter> Formatter for Escaping<F> {
    fn write_string_fragment<W: ?Sized + Write>(&mut self, out: &mut W, fragment: &str) -> io::Result<()> {
        if !may_hold_unsafe(fragment.as_bytes()) {
            return self.0.write_string_fragment(out, fragment);
        }
        let mut start = 0;
        for (at, c) in fragment.char_indices().filter(|(_, c)| is_unsafe(*c)) {
            self.0.write_string_fragment(out, &fragment[start..at])?;
            write!(out, "\\u{:04x}", u32::from(c))?;
            start = at + c.len_utf8();
        }
        self.0.write_string_fragment(out, &fragment[start..])
    }

    // Everything else is the wrapped formatter's.
    fn write_null<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.write_null(w)
    }
    fn write_bool<W: ?Sized + Write>(&mut self, w: &mut W, v: bool) -> io::Result<()> {
        self.0.write_bool(w, v)
    }
    fn write_i64<W: ?Sized + Write>(&mut self, w: &mut W, v: i64) -> io::Result<()> {
        self.0.write_i64(w, v)
    }
    fn write_u64<W: ?Sized + Write>(&mut self, w: &mut W, v: u64) -> io::Result<()> {
        self.0.write_u64(w, v)
    }
    fn write_f64<W: ?Sized + Write>(&mut self, w: &mut W, v: f64) -> io::Result<()> {
        self.0.write_f64(w, v)
    }
    fn write_number_str<W: ?Sized + Write>(&mut self, w: &mut W, v: &str) -> io::Result<()> {
        self.0.write_number_str(w, v)
    }
    fn begin_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_array(w)
    }
    fn end_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_array(w)
    }
    fn begin_array_value<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.0.begin_array_value(w, first)
    }
    fn end_array_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_array_value(w)
    }
    fn begin_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_object(w)
    }
    fn end_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_object(w)
    }
    fn begin_object_key<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.0.begin_object_key(w, first)
    }
    fn end_object_key<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_object_key(w)
    }
    fn begin_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_object_value(w)
    }
    fn end_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_object_value(w)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn compact(value: &serde_json::Value) -> String {
        let mut out = Vec::new();
        write_compact(&mut out, value).expect("write");
        String::from_utf8(out).expect("utf-8")
    }

    #[test]
    fn terminal_controls_are_escaped_and_read_back_unchanged() {
        let hostile = "a\u{9b}31mb\u{9d}52;c;x\u{7}\u{202e}txt.exe\u{7f}é—";
        let value = serde_json::json!({ "title": hostile, "k\u{9b}": [hostile] });
        let text = compact(&value);
        assert_eq!(
            text,
            r#"{"title":"a\u009b31mb\u009d52;c;x\u0007\u202etxt.exe\u007fé—","k\u009b":["a\u009b31mb\u009d52;c;x\u0007\u202etxt.exe\u007fé—"]}"#
        );
        assert!(!text.chars().any(is_unsafe), "{text:?}");
        let back: serde_json::Value = serde_json::from_str(&text).expect("valid JSON");
        assert_eq!(back, value);
    }

    #[test]
    fn pretty_output_is_serde_jsons_own_when_nothing_needs_escaping() {
        let value = serde_json::json!([{ "path": "a b.md", "n": 3, "x": null, "é": ["—"] }]);
        let mut ours = Vec::new();
        write_pretty(&mut ours, &value).expect("write");
        assert_eq!(
            String::from_utf8(ours).expect("utf-8"),
            serde_json::to_string_pretty(&value).expect("json")
        );
    }
}
