//! SHA-256 and HMAC-SHA256 for SigV4, over `sha2`'s block function ([`sha2::block_api::compress256`]).
//!
//! Signing hashes a few short messages, where the generic `digest`/`hmac` layers around the block
//! function (block buffers, pads XORed byte by byte, copies) are a visible share of a call's
//! work (BENCHMARKS.md). This keeps only the padding and the HMAC construction (RFC 2104),
//! tested against `sha2`'s and `hmac`'s own types and RFC 4231.

use sha2::block_api::compress256;

/// FIPS 180-4's initial hash value.
const INITIAL: [u32; 8] = [
    0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
];
const BLOCK: usize = 64;

/// SHA-256 of `message`.
pub(crate) fn digest(message: &[u8]) -> [u8; 32] {
    finish(INITIAL, 0, message)
}

/// Hashes `message` on from `state`, which has already taken `before` bytes (whole blocks).
fn finish(mut state: [u32; 8], before: usize, message: &[u8]) -> [u8; 32] {
    let (blocks, rest) = message.as_chunks::<BLOCK>();
    compress256(&mut state, blocks);
    // The rest, 0x80, zeros, and the length in bits: one block, or two when the length does
    // not fit after the rest.
    let mut last = [[0u8; BLOCK]; 2];
    let count = if rest.len() < BLOCK - 8 { 1 } else { 2 };
    let tail = &mut last.as_flattened_mut()[..count * BLOCK];
    tail[..rest.len()].copy_from_slice(rest);
    tail[rest.len()] = 0x80;
    let bits = ((before + message.len()) as u64).wrapping_mul(8);
    tail[count * BLOCK - 8..].copy_from_slice(&bits.to_be_bytes());
    compress256(&mut state, &last[..count]);
    let mut out = [0u8; 32];
    for (chunk, word) in out.as_chunks_mut::<4>().0.iter_mut().zip(state) {
        *chunk = word.to_be_bytes();
    }
    out
}

/// HMAC-SHA256 keyed once: the states after the inner and outer padded keys, so each message
/// costs only its own blocks and the outer hash's.
#[derive(Clone)]
pub(crate) struct Hmac {
    inner: [u32; 8],
    outer: [u32; 8],
}

impl Hmac {
    /// Keys an HMAC with `key` (a key longer than a block is hashed first, as RFC 2104 says).
    pub(crate) fn new(key: &[u8]) -> Self {
        let mut padded = [0u8; BLOCK];
        if key.len() > BLOCK {
            padded[..32].copy_from_slice(&digest(key));
        } else {
            padded[..key.len()].copy_from_slice(key);
        }
        Self {
            inner: keyed(&padded, 0x36),
            outer: keyed(&padded, 0x5c),
        }
    }

    /// The HMAC of `message`.
    pub(crate) fn sign(&self, message: &[u8]) -> [u8; 32] {
        let inner = finish(self.inner, BLOCK, message);
        finish(self.outer, BLOCK, &inner)
    }
}

/// The state after the block of `padded` XOR `pad`, eight bytes at a time.
fn keyed(padded: &[u8; BLOCK], pad: u8) -> [u32; 8] {
    let pad = u64::from_ne_bytes([pad; 8]);
    let mut block = [0u8; BLOCK];
    let words = block.as_chunks_mut::<8>().0.iter_mut();
    for (out, chunk) in words.zip(padded.as_chunks::<8>().0) {
        *out = (u64::from_ne_bytes(*chunk) ^ pad).to_ne_bytes();
    }
    let mut state = INITIAL;
    compress256(&mut state, &[block]);
    state
}

#[cfg(test)]
mod tests {
    use hmac::{KeyInit, Mac};
    use sha2::{Digest, Sha256};

    use super::*;

    /// Every length around the block and padding boundaries, as keys and as messages, against
    /// RustCrypto's own SHA-256 and HMAC.
    #[test]
    fn hashes_and_macs_equal_the_rustcrypto_types() {
        let bytes: Vec<u8> = (0..300u32).map(|i| (i * 7 + 3) as u8).collect();
        for len in 0..bytes.len() {
            let message = &bytes[..len];
            assert_eq!(
                digest(message),
                <[u8; 32]>::from(Sha256::digest(message)),
                "{len}"
            );
            for key_len in [0, 1, 32, 44, 63, 64, 65, 128, 200] {
                let key = &bytes[bytes.len() - key_len..];
                let mut reference = hmac::Hmac::<Sha256>::new_from_slice(key).unwrap();
                reference.update(message);
                let expected: [u8; 32] = reference.finalize().into_bytes().into();
                assert_eq!(Hmac::new(key).sign(message), expected, "{len} {key_len}");
            }
        }
    }

    /// RFC 4231's test case 2 (a short key) and 6 (a key longer than a block).
    #[test]
    fn hmac_matches_rfc_4231() {
        let hex = |bytes: [u8; 32]| bytes.iter().map(|b| format!("{b:02x}")).collect::<String>();
        assert_eq!(
            hex(Hmac::new(b"Jefe").sign(b"what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
        assert_eq!(
            hex(Hmac::new(&[0xaa; 131])
                .sign(b"Test Using Larger Than Block-Size Key - Hash Key First")),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"
        );
    }
}
