//! Text for the chain panels: virtual time, byte strings, data entries, counts. Formatting only;
//! what to show comes from the core's views.

use snowrv_core::chain::engine::Millis;
use snowrv_core::chain::timestampvm::Data;

/// Virtual milliseconds as seconds with millisecond precision: `12.345 s`.
pub fn millis(ms: Millis) -> String {
    format!("{}.{:03} s", ms / 1000, ms % 1000)
}

/// Lowercase hex of `bytes`, no prefix.
pub fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    let mut out = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        let _ = write!(out, "{byte:02x}");
    }
    out
}

/// Hex in groups of `group` bytes separated by spaces (for the block inspector's byte dump).
pub fn hex_grouped(bytes: &[u8], group: usize) -> String {
    bytes
        .chunks(group.max(1))
        .map(hex)
        .collect::<Vec<_>>()
        .join(" ")
}

/// A 32-byte data entry as the user would recognise it: its text when it is text (trailing
/// zeros trimmed), else `0x` and the hex.
pub fn data(bytes: &[u8; 32]) -> String {
    let data = Data(*bytes);
    match data.text() {
        Some(text) if !text.chars().any(char::is_control) => format!("\"{text}\""),
        _ => format!("0x{}", data.to_hex()),
    }
}

/// A count with thousands separators: `12,345`.
pub fn count(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Messages per second in words: `1.2 M msg/s`.
pub fn rate(per_second: f64) -> String {
    if per_second >= 1e6 {
        format!("{:.1} M msg/s", per_second / 1e6)
    } else if per_second >= 1e3 {
        format!("{:.1} k msg/s", per_second / 1e3)
    } else {
        format!("{per_second:.0} msg/s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn virtual_time_in_seconds() {
        assert_eq!(millis(0), "0.000 s");
        assert_eq!(millis(12_345), "12.345 s");
    }

    #[test]
    fn counts_have_separators() {
        assert_eq!(count(0), "0");
        assert_eq!(count(999), "999");
        assert_eq!(count(1_000), "1,000");
        assert_eq!(count(1_234_567), "1,234,567");
    }

    #[test]
    fn data_as_text_or_hex() {
        let mut text = [0u8; 32];
        text[..5].copy_from_slice(b"hello");
        assert_eq!(data(&text), "\"hello\"");
        let binary = [0xffu8; 32];
        assert_eq!(data(&binary), format!("0x{}", "ff".repeat(32)));
        assert_eq!(data(&[0u8; 32]), format!("0x{}", "00".repeat(32)));
    }

    #[test]
    fn hex_groups() {
        assert_eq!(hex(&[0, 0xab]), "00ab");
        assert_eq!(hex_grouped(&[1, 2, 3, 4, 5], 2), "0102 0304 05");
    }
}
