//! CRC-32 (IEEE 802.3, as DynamoDB's `x-amz-crc32`), slicing by 16 over tables built when
//! compiling.
//!
//! crc32fast's portable path (the one wasm gets) indexes a slice sixteen times per block, and
//! each index keeps its bounds check; here a block is a `[u8; 16]`, so no index is checked.

const POLYNOMIAL: u32 = 0xedb8_8320;

/// `TABLES[k][b]`: the CRC of byte `b` followed by `k` zero bytes.
static TABLES: [[u32; 256]; 16] = tables();

const fn tables() -> [[u32; 256]; 16] {
    let mut tables = [[0u32; 256]; 16];
    let mut byte = 0;
    while byte < 256 {
        let mut crc = byte as u32;
        let mut bit = 0;
        while bit < 8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ POLYNOMIAL
            } else {
                crc >> 1
            };
            bit += 1;
        }
        tables[0][byte] = crc;
        byte += 1;
    }
    let mut k = 1;
    while k < 16 {
        let mut byte = 0;
        while byte < 256 {
            let previous = tables[k - 1][byte];
            tables[k][byte] = (previous >> 8) ^ tables[0][(previous & 0xff) as usize];
            byte += 1;
        }
        k += 1;
    }
    tables
}

/// The CRC-32 of `bytes`.
pub(crate) fn crc32(bytes: &[u8]) -> u32 {
    let (blocks, rest) = bytes.as_chunks::<16>();
    let mut crc = !0u32;
    for block in blocks {
        let [c0, c1, c2, c3] = crc.to_le_bytes();
        let at = |k: usize, byte: u8| TABLES[k][usize::from(byte)];
        crc = at(0, block[15])
            ^ at(1, block[14])
            ^ at(2, block[13])
            ^ at(3, block[12])
            ^ at(4, block[11])
            ^ at(5, block[10])
            ^ at(6, block[9])
            ^ at(7, block[8])
            ^ at(8, block[7])
            ^ at(9, block[6])
            ^ at(10, block[5])
            ^ at(11, block[4])
            ^ at(12, block[3] ^ c3)
            ^ at(13, block[2] ^ c2)
            ^ at(14, block[1] ^ c1)
            ^ at(15, block[0] ^ c0);
    }
    for &byte in rest {
        crc = TABLES[0][usize::from(crc as u8 ^ byte)] ^ (crc >> 8);
    }
    !crc
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every length around the block size, and longer, against crc32fast; and the check value.
    #[test]
    fn equals_crc32fast_on_every_length() {
        let bytes: Vec<u8> = (0..1000u32).map(|i| (i * 131 + 7) as u8).collect();
        for len in 0..bytes.len() {
            let bytes = &bytes[..len];
            assert_eq!(crc32(bytes), crc32fast::hash(bytes), "{len}");
        }
        assert_eq!(crc32(b"123456789"), 0xcbf4_3926);
    }
}
