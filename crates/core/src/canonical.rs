//! Canonical JSON (RFC 8785, JSON Canonicalization Scheme) for records.
//!
//! A record's hash must be recomputable by a third party in any language (DESIGN.md "The
//! verifiable log"), so its bytes follow RFC 8785: object members sorted by the UTF-16 code units
//! of their names (§3.2.3), no insignificant white space, strings escaped as ECMAScript's
//! `JSON.stringify` does (§3.2.2.2), numbers in ECMAScript form (§3.2.2.3).
//!
//! We restrict numbers to integers of magnitude at most 2^53 − 1: those print identically in every
//! JSON implementation, whereas binary floating point would drag in the whole ECMAScript
//! number-to-string algorithm for no benefit (amounts are kept in 分 as integers). A record with
//! any other number is refused rather than silently rounded.
//!
//! No crate was chosen: `serde_jcs` is unmaintained and the rules for our restricted value space
//! fit in this file, with tests against the RFC's examples.

use serde_json::Value;

use crate::error::CoreError;

/// Largest integer that every JSON implementation represents exactly (2^53 − 1, RFC 8785 §3.2.2.3
/// via I-JSON, RFC 7493 §2.2).
const MAX_SAFE_INTEGER: u64 = (1 << 53) - 1;

/// Serializes `value` to its RFC 8785 canonical bytes.
pub fn to_canonical_bytes(value: &Value) -> Result<Vec<u8>, CoreError> {
    let mut out = Vec::with_capacity(256);
    write_value(&mut out, value, "$")?;
    Ok(out)
}

fn write_value(out: &mut Vec<u8>, value: &Value, path: &str) -> Result<(), CoreError> {
    match value {
        Value::Null => out.extend_from_slice(b"null"),
        Value::Bool(true) => out.extend_from_slice(b"true"),
        Value::Bool(false) => out.extend_from_slice(b"false"),
        Value::Number(number) => {
            let text = if let Some(n) = number.as_u64().filter(|n| *n <= MAX_SAFE_INTEGER) {
                n.to_string()
            } else if let Some(n) = number
                .as_i64()
                .filter(|n| n.unsigned_abs() <= MAX_SAFE_INTEGER)
            {
                n.to_string()
            } else {
                return Err(CoreError::NotCanonical {
                    path: path.to_owned(),
                });
            };
            out.extend_from_slice(text.as_bytes());
        }
        Value::String(text) => write_string(out, text),
        Value::Array(items) => {
            out.push(b'[');
            for (idx, item) in items.iter().enumerate() {
                if idx > 0 {
                    out.push(b',');
                }
                write_value(out, item, &format!("{path}[{idx}]"))?;
            }
            out.push(b']');
        }
        Value::Object(members) => {
            let mut names: Vec<&String> = members.keys().collect();
            // RFC 8785 §3.2.3: sort by UTF-16 code units, not by UTF-8 bytes or code points;
            // the two orders differ for characters above U+FFFF versus U+E000..U+FFFF.
            names.sort_by(|a, b| a.encode_utf16().cmp(b.encode_utf16()));
            out.push(b'{');
            for (idx, name) in names.into_iter().enumerate() {
                if idx > 0 {
                    out.push(b',');
                }
                write_string(out, name);
                out.push(b':');
                // This cannot fail: `name` was taken from `members`' own keys.
                if let Some(member) = members.get(name) {
                    write_value(out, member, &format!("{path}.{name}"))?;
                }
            }
            out.push(b'}');
        }
    }
    Ok(())
}

/// RFC 8785 §3.2.2.2: escape `"` and `\`, use the short forms for the five control characters
/// that have them, `\u00xx` (lower-case hex) for the other controls, and leave everything else
/// (including non-ASCII and U+2028/U+2029) as UTF-8.
fn write_string(out: &mut Vec<u8>, text: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push(b'"');
    for ch in text.chars() {
        match ch {
            '"' => out.extend_from_slice(b"\\\""),
            '\\' => out.extend_from_slice(b"\\\\"),
            '\u{08}' => out.extend_from_slice(b"\\b"),
            '\u{0c}' => out.extend_from_slice(b"\\f"),
            '\n' => out.extend_from_slice(b"\\n"),
            '\r' => out.extend_from_slice(b"\\r"),
            '\t' => out.extend_from_slice(b"\\t"),
            c if (c as u32) < 0x20 => {
                let code = c as u32 as usize;
                out.extend_from_slice(b"\\u00");
                out.push(HEX[code >> 4]);
                out.push(HEX[code & 0xf]);
            }
            c => {
                let mut buf = [0u8; 4];
                out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
            }
        }
    }
    out.push(b'"');
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn check(input: Value, expect: &str) {
        let bytes = to_canonical_bytes(&input).unwrap();
        assert_eq!(String::from_utf8(bytes).unwrap(), expect);
    }

    #[test]
    fn members_are_sorted_and_whitespace_removed() {
        check(
            json!({"b": 1, "a": [true, null, "x"]}),
            r#"{"a":[true,null,"x"],"b":1}"#,
        );
    }

    #[test]
    fn members_sort_by_utf16_code_units() {
        // RFC 8785 §3.2.3 example: U+1F600 (surrogates D83D DE00) sorts before U+FB33 in UTF-16
        // although it is the larger code point.
        check(
            json!({"\u{fb33}": 1, "\u{1f600}": 2}),
            "{\"\u{1f600}\":2,\"\u{fb33}\":1}",
        );
        check(
            json!({"€": 1, "\r": 2, "1": 3}),
            "{\"\\r\":2,\"1\":3,\"€\":1}",
        );
    }

    #[test]
    fn strings_escape_like_json_stringify() {
        check(
            json!("a\"b\\c\u{8}\u{c}\n\r\t\u{1}\u{1f}é中\u{2028}"),
            "\"a\\\"b\\\\c\\b\\f\\n\\r\\t\\u0001\\u001fé中\u{2028}\"",
        );
        check(json!("/"), "\"/\"");
    }

    #[test]
    fn integers_print_plainly_and_others_are_refused() {
        check(
            json!([0, -1, 9007199254740991_u64, -9007199254740991_i64]),
            "[0,-1,9007199254740991,-9007199254740991]",
        );
        assert!(to_canonical_bytes(&json!(1.5)).is_err());
        assert!(to_canonical_bytes(&json!({"a": [9007199254740992_u64]})).is_err());
    }

    #[test]
    fn canonical_bytes_do_not_depend_on_insertion_order() {
        let a: Value = serde_json::from_str(r#"{"x":{"q":1,"p":2},"a":"中"}"#).unwrap();
        let b: Value =
            serde_json::from_str(r#"{ "a" : "中", "x" : { "p" : 2, "q" : 1 } }"#).unwrap();
        assert_eq!(
            to_canonical_bytes(&a).unwrap(),
            to_canonical_bytes(&b).unwrap()
        );
    }
}
