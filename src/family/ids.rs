//! Response ids in the styles families share.

/// A UUID (`8-4-4-4-12`) made of the hex digits of `hex`, padded with
/// zeros: Cohere's id style, also used by Jamba.
pub(crate) fn uuid(hex: &str) -> String {
    let digits: String = hex
        .chars()
        .filter(char::is_ascii_hexdigit)
        .map(|c| c.to_ascii_lowercase())
        .chain(std::iter::repeat('0'))
        .take(32)
        .collect();
    format!(
        "{}-{}-{}-{}-{}",
        &digits[..8],
        &digits[8..12],
        &digits[12..16],
        &digits[16..20],
        &digits[20..]
    )
}

/// A second id from the same response id (Cohere sends a response id and
/// a generation id): the UUID of its digits reversed.
pub(crate) fn second_uuid(hex: &str) -> String {
    uuid(&hex.chars().rev().collect::<String>())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuids_take_the_hex_digits_and_pad_with_zeros() {
        assert_eq!(uuid("ABCdef12"), "abcdef12-0000-0000-0000-000000000000");
        assert_eq!(second_uuid("12"), "21000000-0000-0000-0000-000000000000");
    }
}
