//! Which IP addresses a wildcard or default rule may reach: only globally routable ones.
//!
//! An address that embeds an IPv4 address (IPv4-mapped, IPv4-compatible, NAT64, 6to4, Teredo)
//! is judged by the address it embeds, so `::ffff:127.0.0.1` is loopback like `127.0.0.1`.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// Why an address may not be reached through a wildcard or default rule; `None` when it is a
/// global unicast address.
pub fn prohibited(address: IpAddr) -> Option<&'static str> {
    match address {
        IpAddr::V4(v4) => prohibited_v4(v4),
        IpAddr::V6(v6) => prohibited_v6(v6),
    }
}

/// IPv4 ranges that are not global unicast (IANA special-purpose registry).
const V4_RANGES: &[([u8; 4], u8, &str)] = &[
    ([0, 0, 0, 0], 8, "this-network (0.0.0.0/8)"),
    ([10, 0, 0, 0], 8, "private (10.0.0.0/8)"),
    ([100, 64, 0, 0], 10, "shared CGNAT (100.64.0.0/10)"),
    ([127, 0, 0, 0], 8, "loopback (127.0.0.0/8)"),
    ([169, 254, 0, 0], 16, "link-local (169.254.0.0/16)"),
    ([172, 16, 0, 0], 12, "private (172.16.0.0/12)"),
    (
        [192, 0, 0, 0],
        24,
        "IETF protocol assignments (192.0.0.0/24)",
    ),
    ([192, 0, 2, 0], 24, "documentation (192.0.2.0/24)"),
    ([192, 88, 99, 0], 24, "6to4 relay anycast (192.88.99.0/24)"),
    ([192, 168, 0, 0], 16, "private (192.168.0.0/16)"),
    ([198, 18, 0, 0], 15, "benchmarking (198.18.0.0/15)"),
    ([198, 51, 100, 0], 24, "documentation (198.51.100.0/24)"),
    ([203, 0, 113, 0], 24, "documentation (203.0.113.0/24)"),
    ([224, 0, 0, 0], 4, "multicast (224.0.0.0/4)"),
    ([240, 0, 0, 0], 4, "reserved or broadcast (240.0.0.0/4)"),
];

fn prohibited_v4(address: Ipv4Addr) -> Option<&'static str> {
    let bits = u32::from(address);
    V4_RANGES.iter().find_map(|(network, prefix, why)| {
        let mask = u32::MAX << (32 - u32::from(*prefix));
        (bits & mask == u32::from_be_bytes(*network)).then_some(*why)
    })
}

/// IPv6 ranges that are not global unicast and embed no IPv4 address.
const V6_RANGES: &[(u128, u8, &str)] = &[
    (
        0x0000_0000_0000_0000_0000_0000_0000_0000,
        128,
        "unspecified (::)",
    ),
    (
        0x0000_0000_0000_0000_0000_0000_0000_0001,
        128,
        "loopback (::1)",
    ),
    (
        0x0064_ff9b_0001_0000_0000_0000_0000_0000,
        48,
        "local-use NAT64 (64:ff9b:1::/48)",
    ),
    (
        0x0100_0000_0000_0000_0000_0000_0000_0000,
        64,
        "discard-only (100::/64)",
    ),
    (
        0x2001_0000_0000_0000_0000_0000_0000_0000,
        23,
        "IETF protocol assignments (2001::/23)",
    ),
    (
        0x2001_0db8_0000_0000_0000_0000_0000_0000,
        32,
        "documentation (2001:db8::/32)",
    ),
    (
        0x3fff_0000_0000_0000_0000_0000_0000_0000,
        20,
        "documentation (3fff::/20)",
    ),
    (
        0xfc00_0000_0000_0000_0000_0000_0000_0000,
        7,
        "unique local (fc00::/7)",
    ),
    (
        0xfe80_0000_0000_0000_0000_0000_0000_0000,
        10,
        "link-local (fe80::/10)",
    ),
    (
        0xfec0_0000_0000_0000_0000_0000_0000_0000,
        10,
        "site-local (fec0::/10)",
    ),
    (
        0xff00_0000_0000_0000_0000_0000_0000_0000,
        8,
        "multicast (ff00::/8)",
    ),
];

fn prohibited_v6(address: Ipv6Addr) -> Option<&'static str> {
    if let Some(embedded) = embedded_v4(address) {
        return prohibited_v4(embedded);
    }
    let bits = u128::from(address);
    V6_RANGES.iter().find_map(|(network, prefix, why)| {
        let mask = u128::MAX << (128 - u32::from(*prefix));
        (bits & mask == *network).then_some(*why)
    })
}

/// The IPv4 address an IPv6 address stands for, in the forms that carry one.
pub fn embedded_v4(address: Ipv6Addr) -> Option<Ipv4Addr> {
    let bits = u128::from(address);
    let low32 = Ipv4Addr::from(bits as u32);
    let top = |prefix: u32| bits >> (128 - prefix);
    if top(96) == 0xffff {
        return Some(low32); // IPv4-mapped ::ffff:a.b.c.d
    }
    if top(96) == 0 && bits > 1 {
        return Some(low32); // IPv4-compatible ::a.b.c.d (deprecated; :: and ::1 excepted)
    }
    if top(96) == 0x0064_ff9b_0000_0000_0000_0000 {
        return Some(low32); // NAT64 well-known prefix 64:ff9b::/96
    }
    if top(16) == 0x2002 {
        return Some(Ipv4Addr::from((bits >> 80) as u32)); // 6to4 2002:AABB:CCDD::/48
    }
    if top(32) == 0x2001_0000 {
        return Some(Ipv4Addr::from(!(bits as u32))); // Teredo: the client address, inverted
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every row: an address, and whether a wildcard rule may reach it.
    const CASES: &[(&str, bool)] = &[
        ("52.94.0.1", true),
        ("3.218.180.1", true),
        ("8.8.8.8", true),
        ("0.0.0.0", false),
        ("0.1.2.3", false),
        ("10.0.0.1", false),
        ("10.255.255.255", false),
        ("100.64.0.1", false),
        ("100.127.255.254", false),
        ("100.128.0.1", true),
        ("127.0.0.1", false),
        ("127.255.0.9", false),
        ("169.254.169.254", false),
        ("169.254.0.1", false),
        ("172.15.255.255", true),
        ("172.16.0.1", false),
        ("172.31.255.255", false),
        ("172.32.0.1", true),
        ("192.0.0.170", false),
        ("192.0.2.1", false),
        ("192.88.99.1", false),
        ("192.168.1.1", false),
        ("198.18.0.1", false),
        ("198.19.255.255", false),
        ("198.20.0.1", true),
        ("198.51.100.7", false),
        ("203.0.113.9", false),
        ("224.0.0.1", false),
        ("239.255.255.250", false),
        ("240.0.0.1", false),
        ("255.255.255.255", false),
        ("::", false),
        ("::1", false),
        ("::ffff:127.0.0.1", false),
        ("::ffff:7f00:1", false),
        ("::ffff:169.254.169.254", false),
        ("::ffff:10.1.2.3", false),
        ("::ffff:52.94.0.1", true),
        ("::127.0.0.1", false),
        ("::10.0.0.1", false),
        ("::52.94.0.1", true),
        ("64:ff9b::7f00:1", false),
        ("64:ff9b::a9fe:a9fe", false),
        ("64:ff9b::34.94.0.1", true),
        ("64:ff9b:1::1", false),
        ("2002:7f00:0001::1", false),
        ("2002:a9fe:a9fe::1", false),
        ("2002:c0a8:0101::", false),
        ("2002:345e:0001::1", true),
        ("2001:0:4136:e378:8000:63bf:80ff:fffe", false), // Teredo client 127.0.0.1
        ("2001:0:4136:e378:8000:63bf:f5ff:fffe", false), // Teredo client 10.0.0.1
        ("2001:0:4136:e378:8000:63bf:cba1:fffe", true),  // Teredo client 52.94.0.1
        ("2001:db8::1", false),
        ("3fff::1", false),
        ("100::1", false),
        ("fc00::1", false),
        ("fd12:3456::1", false),
        ("fe80::1", false),
        ("febf::1", false),
        ("fec0::1", false),
        ("ff02::1", false),
        ("ff0e::1", false),
        ("2600:1f18::1", true),
        ("2a05:d018::1", true),
        ("2406:da00::1", true),
    ];

    #[test]
    fn addresses_are_classified() {
        for (text, global) in CASES {
            let address: IpAddr = text.parse().unwrap();
            assert_eq!(prohibited(address).is_none(), *global, "{text}");
        }
        assert!(CASES.len() >= 60);
    }

    #[test]
    fn refusals_say_which_range() {
        let why = |s: &str| prohibited(s.parse().unwrap()).unwrap();
        assert!(why("169.254.169.254").starts_with("link-local"));
        assert!(why("::ffff:127.0.0.1").starts_with("loopback"));
        assert!(why("fd00::1").starts_with("unique local"));
    }
}
