//! Deterministic ids and latencies: the same sequence of calls gets the same bytes.

/// FNV-1a, 64 bits: a stable hash (unlike std's, fixed across Rust releases).
pub fn stable_hash(parts: &[&[u8]]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for byte in part.iter().chain(std::iter::once(&0xff)) {
            hash ^= u64::from(*byte);
            hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    hash
}

/// 32 lowercase hex digits from `seed`.
pub fn hex_id(seed: u64) -> String {
    let second = stable_hash(&[&seed.to_be_bytes()]);
    let mut id = String::with_capacity(32);
    push_hex(&mut id, seed, 16);
    push_hex(&mut id, second, 16);
    id
}

/// A UUID-shaped request id from `seed` (`x-amzn-RequestId`): the digits
/// of [`hex_id`] grouped 8-4-4-4-12.
pub fn request_id(seed: u64) -> String {
    let second = stable_hash(&[&seed.to_be_bytes()]);
    let mut id = String::with_capacity(36);
    push_hex(&mut id, seed >> 32, 8);
    id.push('-');
    push_hex(&mut id, seed >> 16, 4);
    id.push('-');
    push_hex(&mut id, seed, 4);
    id.push('-');
    push_hex(&mut id, second >> 48, 4);
    id.push('-');
    push_hex(&mut id, second, 12);
    id
}

/// Appends the low `digits` hex digits of `value`, most significant first.
fn push_hex(out: &mut String, value: u64, digits: u32) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    for shift in (0..digits).rev() {
        out.push(HEX[((value >> (shift * 4)) & 0xf) as usize] as char);
    }
}

/// A plausible invocation latency in milliseconds, from `seed`.
pub fn latency_ms(seed: u64, output_tokens: u32) -> u64 {
    120 + seed % 200 + u64::from(output_tokens) * 9
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_stable_and_shaped() {
        let a = request_id(stable_hash(&[b"invoke", b"{}"]));
        assert_eq!(a, request_id(stable_hash(&[b"invoke", b"{}"])));
        assert_ne!(a, request_id(stable_hash(&[b"invoke", b"{ }"])));
        assert_eq!(a.len(), 36);
        assert_eq!(a.matches('-').count(), 4);
        assert_eq!(hex_id(1).len(), 32);
        let seed = 0x0123_4567_89ab_cdef;
        let hex = hex_id(seed);
        assert_eq!(&hex[..16], "0123456789abcdef");
        let grouped = [
            &hex[0..8],
            &hex[8..12],
            &hex[12..16],
            &hex[16..20],
            &hex[20..32],
        ];
        assert_eq!(request_id(seed), grouped.join("-"));
    }
}
