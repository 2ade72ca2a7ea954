//! Formatting for the panels. What to show comes from the core's views
//! ([`snowrv_core::playground::views`]); this module only turns it into text and attributes.

pub use snowrv_core::playground::views::hex32;

use crate::sim::Privilege;

/// The one-letter privilege name (`M`, `S`, `U`).
pub fn privilege_letter(privilege: Privilege) -> &'static str {
    privilege.letter()
}

/// The title shown when hovering the privilege letter.
pub fn privilege_title(letter: &str) -> &'static str {
    match letter {
        "M" => "Machine mode",
        "S" => "Supervisor mode",
        _ => "User mode",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_is_eight_lowercase_digits() {
        assert_eq!(hex32(0x8000_00AB), "0x800000ab");
    }

    #[test]
    fn privilege_words() {
        assert_eq!(privilege_letter(Privilege::Supervisor), "S");
        assert_eq!(privilege_title("U"), "User mode");
    }
}
