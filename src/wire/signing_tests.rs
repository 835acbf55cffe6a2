use std::time::Duration;

use aws_credential_types::Credentials as AwsCredentials;
use aws_sigv4::http_request::{SignableBody, SignableRequest, SigningSettings, sign};
use aws_sigv4::sign::v4;
use aws_smithy_runtime_api::client::identity::Identity;

use super::super::client::CONTENT_TYPE as CT;
use super::*;

/// The same request signed by aws-sigv4's general HTTP signer: the headers it adds.
fn reference(
    call: &SignableCall,
    body: &[u8],
    credentials: &Credentials,
    region: &str,
    time: SystemTime,
) -> Vec<(String, String)> {
    let identity: Identity = AwsCredentials::new(
        &credentials.access_key,
        &credentials.secret_key,
        credentials.session_token.clone(),
        None,
        "test",
    )
    .into();
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region(region)
        .name(call.service)
        .time(time)
        .settings(SigningSettings::default())
        .build()
        .unwrap()
        .into();
    let url = format!("http://{}/", call.host);
    let mut headers = vec![("host", call.host), ("content-type", call.content_type)];
    headers.extend(call.target.map(|t| ("x-amz-target", t)));
    let signable =
        SignableRequest::new("POST", &url, headers.into_iter(), SignableBody::Bytes(body)).unwrap();
    let (instructions, _) = sign(signable, &params).unwrap().into_parts();
    let mut added: Vec<(String, String)> = instructions
        .into_parts()
        .0
        .into_iter()
        .map(|h| (h.name().to_string(), h.value().to_string()))
        .collect();
    added.sort();
    added
}

/// Data-driven: every combination of these signs exactly as aws-sigv4's HTTP signer does;
/// the target-less calls are STS's (query protocol, service `sts`).
#[test]
fn signatures_equal_the_aws_sigv4_http_signer() {
    let hosts = [
        "127.0.0.1:8000",
        "dynamodb.eu-central-1.amazonaws.com",
        "[::1]:4567",
    ];
    let targets = [
        Some("DynamoDB_20120810.GetItem"),
        Some("DynamoDB_20120810.TransactWriteItems"),
        None,
    ];
    let bodies: [&[u8]; 4] = [
        b"",
        b"{}",
        "{\"TableName\":\"t\",\"Item\":{\"s\":{\"S\":\"ünïcødé\"}}}".as_bytes(),
        &[b'x'; 5000],
    ];
    let tokens = [None, Some("FwoGZXIvYXdzEJr//////////wEaDO+/=")];
    let regions = ["us-east-1", "cn-north-1"];
    let times = [0u64, 1_440_938_160, 1_700_000_000, 4_102_444_799];
    let mut cases = 0;
    for host in hosts {
        for target in targets {
            for body in bodies {
                for token in tokens {
                    for region in regions {
                        for secs in times {
                            let credentials = Credentials {
                                access_key: "AKIDEXAMPLE".into(),
                                secret_key: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY".into(),
                                session_token: token.map(str::to_string),
                            };
                            let time = UNIX_EPOCH + Duration::from_secs(secs);
                            let call = SignableCall {
                                service: if target.is_some() { SERVICE } else { "sts" },
                                host,
                                content_type: match target {
                                    Some(_) => CT,
                                    None => "application/x-www-form-urlencoded; charset=utf-8",
                                },
                                target,
                                payload_hash: &payload_hash(body),
                            };
                            let ours = Signer::new(credentials.clone(), region.to_string())
                                .sign(&call, time)
                                .unwrap();
                            let mut ours_added = vec![
                                ("authorization".to_string(), ours.authorization),
                                ("x-amz-date".to_string(), ours.amz_date),
                            ];
                            if let Some(token) = ours.security_token {
                                ours_added.push(("x-amz-security-token".to_string(), token));
                            }
                            ours_added.sort();
                            assert_eq!(
                                ours_added,
                                reference(&call, body, &credentials, region, time),
                                "{host} {target:?} {token:?} {region} {secs}"
                            );
                            cases += 1;
                        }
                    }
                }
            }
        }
    }
    assert_eq!(cases, 3 * 3 * 4 * 2 * 2 * 4);
}

#[test]
fn unsignable_values_are_configuration_errors_without_the_secret() {
    let credentials = |token: &str| Credentials {
        access_key: "AKID".into(),
        secret_key: "never-shown-secret".into(),
        session_token: Some(token.into()),
    };
    let time = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
    for token in ["line\nbreak", "tab\there", "ünï", "a space"] {
        let error = sign_request("h", CT, "t", b"", &credentials(token), "us-east-1", time)
            .unwrap_err()
            .to_string();
        assert!(error.contains("authentication"), "{error}");
        assert!(!error.contains("never-shown-secret"), "{error}");
    }
    let early = UNIX_EPOCH - Duration::from_secs(1);
    assert!(sign_request("h", CT, "t", b"", &credentials("ok"), "us-east-1", early).is_err());
}

/// The calls, pages and retries of one invocation share one signing key; a new day or another
/// service (STS's caller) derives its own, and every signature equals a fresh signer's.
#[test]
fn the_signing_key_is_derived_once_per_scope() {
    let credentials = Credentials {
        access_key: "AKIDEXAMPLE".into(),
        secret_key: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY".into(),
        session_token: None,
    };
    let mut signer = Signer::new(credentials.clone(), "eu-west-1".into());
    let day = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
    let next_day = day + Duration::from_secs(86_400);
    let hash = payload_hash(b"{}");
    let steps = [
        (day, SERVICE, 1),
        (day + Duration::from_secs(5), SERVICE, 1),
        (next_day, SERVICE, 2),
        (next_day, "sts", 3),
        (next_day, "sts", 3),
        (next_day, SERVICE, 4),
    ];
    for (time, service, derivations) in steps {
        let call = SignableCall {
            service,
            host: "127.0.0.1:8000",
            content_type: CT,
            target: Some("DynamoDB_20120810.GetItem"),
            payload_hash: &hash,
        };
        let fresh = Signer::new(credentials.clone(), "eu-west-1".into());
        assert_eq!(
            signer.sign(&call, time).unwrap(),
            { fresh }.sign(&call, time).unwrap()
        );
        assert_eq!(signer.derivations, derivations, "{service} {time:?}");
    }
}
