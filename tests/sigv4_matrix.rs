//! SigV4 checked against signers that share no code with ours: the signing key derivation and
//! the HMAC included, which `src/signing.rs` takes from `aws-sigv4` (its own tests compare it
//! with that crate's HTTP signer, which derives the key with the same code).
//!
//! - A reference signer written here from the SigV4 specification (its own HMAC-SHA256 over
//!   `sha2`), first checked against RFC 4231, AWS's key-derivation example and every
//!   header-signing case of the AWS SigV4 test suite (`tests/sigv4/`), then compared with
//!   `ddb_connector::wire::signing::sign_request` across a matrix of hosts, regions, credentials
//!   (long secrets, session tokens), bodies, targets and times.
//! - botocore's `SigV4Auth` (`tests/support/botocore_sign_matrix.py`, one process) on the same
//!   matrix. Needs botocore, which `scripts/test.sh` installs; without it the test fails.

use std::time::{Duration, UNIX_EPOCH};

use ddb_connector::input::Credentials;
use ddb_connector::wire::signing::{SERVICE, SignedHeaders, sign_request};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

const CONTENT_TYPE: &str = "application/x-amz-json-1.0";

fn sha256(data: &[u8]) -> Vec<u8> {
    Sha256::digest(data).to_vec()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// HMAC-SHA256 (RFC 2104): a key longer than the 64-byte block is hashed first.
fn hmac(key: &[u8], message: &[u8]) -> Vec<u8> {
    let mut block = if key.len() > 64 {
        sha256(key)
    } else {
        key.to_vec()
    };
    block.resize(64, 0);
    let pad = |byte: u8| block.iter().map(|k| k ^ byte).collect::<Vec<u8>>();
    let inner = sha256(&[pad(0x36), message.to_vec()].concat());
    sha256(&[pad(0x5c), inner].concat())
}

/// SigV4's signing key: HMAC chained over date, region, service and `aws4_request`.
fn signing_key(secret: &str, date: &str, region: &str, service: &str) -> Vec<u8> {
    [date, region, service, "aws4_request"]
        .iter()
        .fold(format!("AWS4{secret}").into_bytes(), |key, part| {
            hmac(&key, part.as_bytes())
        })
}

/// `YYYYMMDD'T'HHMMSS'Z'` of `secs` after the epoch (civil-from-days, proleptic Gregorian).
fn amz_date(secs: u64) -> String {
    let (days, rest) = ((secs / 86_400) as i64, secs % 86_400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    let (h, m, s) = (rest / 3600, rest / 60 % 60, rest % 60);
    format!("{year:04}{month:02}{day:02}T{h:02}{m:02}{s:02}Z")
}

/// The string to sign and the signature of `canonical_request`.
fn sign_canonical(
    canonical_request: &str,
    amz_date: &str,
    secret: &str,
    region: &str,
    service: &str,
) -> (String, String) {
    let scope = format!("{}/{region}/{service}/aws4_request", &amz_date[..8]);
    let string_to_sign = format!(
        "AWS4-HMAC-SHA256\n{amz_date}\n{scope}\n{}",
        hex(&sha256(canonical_request.as_bytes()))
    );
    let key = signing_key(secret, &amz_date[..8], region, service);
    let signature = hex(&hmac(&key, string_to_sign.as_bytes()));
    (string_to_sign, signature)
}

#[test]
fn the_reference_hmac_matches_rfc_4231_and_the_aws_key_derivation_example() {
    let cases: [(&[u8], &[u8], &str); 3] = [
        (
            &[0x0b; 20],
            b"Hi There",
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7",
        ),
        (
            b"Jefe",
            b"what do ya want for nothing?",
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
        ),
        (
            &[0xaa; 131],
            b"Test Using Larger Than Block-Size Key - Hash Key First",
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54",
        ),
    ];
    for (key, message, expected) in cases {
        assert_eq!(hex(&hmac(key, message)), expected);
    }
    // "Examples of how to derive a signing key for Signature Version 4" (AWS documentation).
    let key = signing_key(
        "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
        "20120215",
        "us-east-1",
        "iam",
    );
    assert_eq!(
        hex(&key),
        "f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d"
    );
    assert_eq!(amz_date(1_440_938_160), "20150830T123600Z");
    assert_eq!(amz_date(951_868_799), "20000229T235959Z");
    assert_eq!(amz_date(4_102_444_800), "21000101T000000Z");
}

#[test]
fn the_reference_signer_reproduces_every_aws_test_suite_vector() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/sigv4/aws_signing_test_suite.json"
    );
    let suite: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let cases = suite["cases"].as_array().unwrap();
    assert_eq!(cases.len(), 38);
    for case in cases {
        let text = |field: &str| case[field].as_str().unwrap().to_string();
        // "2015-08-30T12:36:00Z" -> "20150830T123600Z"
        let date: String = text("timestamp")
            .chars()
            .filter(|c| *c != '-' && *c != ':')
            .collect();
        let (string_to_sign, signature) = sign_canonical(
            &text("canonical_request"),
            &date,
            &text("secret_access_key"),
            &text("region"),
            &text("service"),
        );
        let name = text("name");
        assert_eq!(string_to_sign, text("string_to_sign"), "{name}");
        assert_eq!(signature, text("signature"), "{name}");
    }
}

/// One request of the matrix.
struct Case {
    https: bool,
    host: &'static str,
    region: &'static str,
    credentials: Credentials,
    target: &'static str,
    body: Vec<u8>,
    secs: u64,
}

const HOSTS: [(bool, &str); 5] = [
    (false, "127.0.0.1:8000"),
    (false, "[::1]:4567"),
    (false, "localhost:49152"),
    (true, "dynamodb.eu-central-1.amazonaws.com"),
    (true, "dynamodb.cn-north-1.amazonaws.com.cn"),
];
const REGIONS: [&str; 6] = [
    "us-east-1",
    "eu-central-1",
    "cn-north-1",
    "us-gov-west-1",
    "ap-southeast-2",
    "il-central-1",
];
const TARGETS: [&str; 3] = ["GetItem", "TransactWriteItems", "ListTables"];
/// The suite's moment, leap days, the last second of a day, 2099.
const TIMES: [u64; 5] = [
    1_440_938_160,
    951_782_400,
    1_700_000_000,
    1_709_251_199,
    4_102_444_799,
];

fn credential_sets() -> [Credentials; 3] {
    let set = |access_key: &str, secret_key: String, token: Option<&str>| Credentials {
        access_key: access_key.into(),
        secret_key,
        session_token: token.map(str::to_string),
    };
    [
        set(
            "AKIDEXAMPLE",
            "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY".into(),
            None,
        ),
        // Temporary credentials: the token is signed too.
        set(
            "ASIAQEXAMPLE7TOKEN00",
            "s3cr3t+/with=padding==".into(),
            Some("IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQD+abc/def="),
        ),
        // "AWS4" + a 100-character secret is longer than HMAC's 64-byte block: hashed first.
        set(
            "AKIDLONGSECRET",
            "k".repeat(60) + &"/+=9".repeat(10),
            Some("short"),
        ),
    ]
}

fn bodies() -> [Vec<u8>; 4] {
    [
        Vec::new(),
        b"{}".to_vec(),
        r#"{"TableName":"t","Item":{"s":{"S":"ünïcødé ✓ 𝄞"}}}"#
            .as_bytes()
            .to_vec(),
        vec![b'x'; 5000],
    ]
}

/// Every combination of hosts, regions, credentials, targets, bodies and times.
fn matrix() -> Vec<Case> {
    let mut cases = Vec::new();
    for (https, host) in HOSTS {
        for region in REGIONS {
            for credentials in credential_sets() {
                for target in TARGETS {
                    for body in bodies() {
                        for secs in TIMES {
                            cases.push(Case {
                                https,
                                host,
                                region,
                                credentials: credentials.clone(),
                                target,
                                body: body.clone(),
                                secs,
                            });
                        }
                    }
                }
            }
        }
    }
    assert_eq!(cases.len(), 5 * 6 * 3 * 3 * 4 * 5);
    cases
}

fn ours(case: &Case) -> SignedHeaders {
    sign_request(
        case.host,
        CONTENT_TYPE,
        &format!("DynamoDB_20120810.{}", case.target),
        &case.body,
        &case.credentials,
        case.region,
        UNIX_EPOCH + Duration::from_secs(case.secs),
    )
    .unwrap_or_else(|e| panic!("{} {}: {e}", case.host, case.region))
}

/// The Authorization header the reference signer gives `case`: the canonical request of
/// `POST /` with the headers DynamoDB's JSON protocol signs, sorted by name.
fn reference_authorization(case: &Case) -> String {
    let date = amz_date(case.secs);
    let target = format!("DynamoDB_20120810.{}", case.target);
    let mut headers = vec![
        ("content-type", CONTENT_TYPE),
        ("host", case.host),
        ("x-amz-date", date.as_str()),
        ("x-amz-target", target.as_str()),
    ];
    if let Some(token) = &case.credentials.session_token {
        headers.push(("x-amz-security-token", token.as_str()));
    }
    headers.sort();
    let signed: Vec<&str> = headers.iter().map(|(name, _)| *name).collect();
    let lines: String = headers.iter().map(|(n, v)| format!("{n}:{v}\n")).collect();
    let canonical = format!(
        "POST\n/\n\n{lines}\n{}\n{}",
        signed.join(";"),
        hex(&sha256(&case.body))
    );
    let secret = &case.credentials.secret_key;
    let (_, signature) = sign_canonical(&canonical, &date, secret, case.region, SERVICE);
    format!(
        "AWS4-HMAC-SHA256 Credential={}/{}/{}/{SERVICE}/aws4_request, SignedHeaders={}, Signature={signature}",
        case.credentials.access_key,
        &date[..8],
        case.region,
        signed.join(";")
    )
}

#[test]
fn sign_request_matches_the_reference_signer_across_the_matrix() {
    for case in matrix() {
        let signed = ours(&case);
        let what = format!(
            "{} {} {} {}",
            case.host, case.region, case.target, case.secs
        );
        assert_eq!(
            signed.authorization,
            reference_authorization(&case),
            "{what}"
        );
        assert_eq!(signed.amz_date, amz_date(case.secs), "{what}");
        assert_eq!(
            signed.security_token, case.credentials.session_token,
            "{what}"
        );
    }
}

#[test]
fn sign_request_matches_botocore_across_the_matrix() {
    let cases = matrix();
    let input: Vec<Value> = cases
        .iter()
        .map(|case| {
            let scheme = if case.https { "https" } else { "http" };
            json!({
                "url": format!("{scheme}://{}/", case.host),
                "target": format!("DynamoDB_20120810.{}", case.target),
                "body_hex": hex(&case.body),
                "region": case.region,
                "epoch": case.secs,
                "access_key": case.credentials.access_key,
                "secret_key": case.credentials.secret_key,
                "token": case.credentials.session_token,
            })
        })
        .collect();
    let theirs = botocore(&input);
    assert_eq!(theirs.len(), cases.len());
    for (case, theirs) in cases.iter().zip(theirs) {
        let what = format!(
            "{} {} {} {}",
            case.host, case.region, case.target, case.secs
        );
        assert_eq!(ours(case).authorization, theirs, "{what}");
    }
}

/// The Authorization header botocore computes for each case, in one Python process.
fn botocore(cases: &[Value]) -> Vec<String> {
    use std::io::Write as _;
    let script = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/support/botocore_sign_matrix.py"
    );
    // Bounded as every external command of the tests (tests/common/mod.rs, `bounded`).
    let mut child = std::process::Command::new("timeout")
        .args(["--kill-after=10", "300", "python3", script])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("python3 runs (scripts/test.sh installs botocore)");
    let text = serde_json::to_vec(cases).unwrap();
    child.stdin.take().unwrap().write_all(&text).unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(
        output.status.success(),
        "botocore failed (run the tests with scripts/test.sh, which installs it): {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("a JSON list of headers")
}
