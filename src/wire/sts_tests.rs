use std::time::Duration;

use super::super::retry::RetryPolicy;
use super::super::testing::{Scripted, answer};
use super::*;

const ANSWER: &str = r#"<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleResult>
    <AssumedRoleUser><Arn>arn:aws:sts::123456789012:assumed-role/r/s</Arn></AssumedRoleUser>
    <Credentials>
      <AccessKeyId>ASIATEMPORARY</AccessKeyId>
      <SecretAccessKey>temporary/secret+key</SecretAccessKey>
      <SessionToken>FwoGZXIvYXdzEBYaDTEMPORARYTOKEN</SessionToken>
      <Expiration>2026-11-27T10:00:00Z</Expiration>
    </Credentials>
  </AssumeRoleResult>
  <ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata>
</AssumeRoleResponse>"#;

fn endpoint() -> Endpoint {
    Endpoint {
        https: true,
        authority: "sts.eu-west-1.amazonaws.com".into(),
    }
}

fn caller() -> Credentials {
    Credentials {
        access_key: "AKIDCALLER".into(),
        secret_key: "caller-secret".into(),
        session_token: Some("caller-token".into()),
    }
}

fn session() -> RoleSession {
    RoleSession {
        role_arn: "arn:aws:iam::123456789012:role/tenant-a".into(),
        session_name: "ddb-connector".into(),
        duration_seconds: 900,
    }
}

fn header<'a>(request: &'a HttpRequest, name: &str) -> Option<&'a str> {
    request
        .headers
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, v)| v.as_str())
}

fn assume(platform: &mut Scripted, call: &AssumeRole) -> Result<Credentials, ConnectorError> {
    let endpoint = endpoint();
    let sts = Sts {
        endpoint,
        region: "eu-west-1",
    };
    let mut transport = Transport::new(platform, RetryPolicy::default());
    sts.assume_role(&mut transport, &caller(), call)
}

#[test]
fn assume_role_sends_a_signed_form_and_reads_the_credentials() {
    let mut platform = Scripted::new(vec![answer(200, &[], ANSWER)]);
    let call = AssumeRole {
        session: session(),
        external_id: Some("tenant-a:ext/1=2".into()),
        policy: Some(r#"{"Version":"2012-10-17"}"#.into()),
    };
    let credentials = assume(&mut platform, &call).unwrap();
    assert_eq!(credentials.access_key, "ASIATEMPORARY");
    assert_eq!(credentials.secret_key, "temporary/secret+key");
    assert_eq!(
        credentials.session_token.as_deref(),
        Some("FwoGZXIvYXdzEBYaDTEMPORARYTOKEN")
    );
    let (request, _) = &platform.sent[0];
    assert_eq!(request.authority, "sts.eu-west-1.amazonaws.com");
    assert_eq!(
        std::str::from_utf8(&request.body).unwrap(),
        "Action=AssumeRole&Version=2011-06-15\
         &RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Ftenant-a\
         &RoleSessionName=ddb-connector&DurationSeconds=900\
         &ExternalId=tenant-a%3Aext%2F1%3D2\
         &Policy=%7B%22Version%22%3A%222012-10-17%22%7D"
    );
    assert_eq!(header(request, "content-type"), Some(CONTENT_TYPE));
    assert_eq!(
        header(request, "x-amz-security-token"),
        Some("caller-token")
    );
    assert_eq!(header(request, "x-amz-target"), None);
    let authorization = header(request, "authorization").unwrap();
    assert!(
        authorization.contains("/eu-west-1/sts/aws4_request")
            && authorization
                .contains("SignedHeaders=content-type;host;x-amz-date;x-amz-security-token,"),
        "{authorization}"
    );
}

#[test]
fn web_identity_is_unsigned_and_carries_the_token() {
    let answer_text = ANSWER.replace("AssumeRoleResult", "AssumeRoleWithWebIdentityResult");
    let mut platform = Scripted::new(vec![answer(200, &[], &answer_text)]);
    let endpoint = endpoint();
    let sts = Sts {
        endpoint,
        region: "eu-west-1",
    };
    let call = AssumeRoleWithWebIdentity {
        session: session(),
        token: "eyJ.web.token".into(),
    };
    assert!(!format!("{call:?}").contains("eyJ"));
    let mut transport = Transport::new(&mut platform, RetryPolicy::default());
    let credentials = sts
        .assume_role_with_web_identity(&mut transport, &call)
        .unwrap();
    assert_eq!(credentials.access_key, "ASIATEMPORARY");
    let (request, _) = &platform.sent[0];
    assert_eq!(header(request, "authorization"), None);
    let body = std::str::from_utf8(&request.body).unwrap();
    assert!(
        body.starts_with("Action=AssumeRoleWithWebIdentity&")
            && body.ends_with("&WebIdentityToken=eyJ.web.token"),
        "{body}"
    );
}

#[test]
fn sts_errors_are_execution_errors_marked_as_sts() {
    let denied = r#"<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>User is not authorized to perform: sts:AssumeRole</Message></Error><RequestId>r-2</RequestId></ErrorResponse>"#;
    let mut platform = Scripted::new(vec![answer(403, &[("x-amzn-requestid", "r-2")], denied)]);
    let call = AssumeRole {
        session: session(),
        external_id: None,
        policy: None,
    };
    let error = assume(&mut platform, &call).unwrap_err();
    let ConnectorError::Execution {
        code,
        message,
        http_status,
        request_id,
        retryable,
        attempts,
        details,
    } = error
    else {
        panic!("{error:?}");
    };
    assert_eq!(
        (code.as_str(), http_status, retryable, attempts),
        ("AccessDenied", 403, false, 1)
    );
    assert!(message.contains("sts:AssumeRole"), "{message}");
    assert_eq!(request_id.as_deref(), Some("r-2"));
    assert_eq!(details.unwrap()["service"], "sts");
    assert_eq!(platform.sent.len(), 1);
}

#[test]
fn throttling_5xx_and_idp_failures_are_retried() {
    let throttled = "<ErrorResponse><Error><Code>Throttling</Code><Message>Rate exceeded</Message></Error></ErrorResponse>";
    let idp = "<ErrorResponse><Error><Code>IDPCommunicationError</Code><Message>x</Message></Error></ErrorResponse>";
    let mut platform = Scripted::new(vec![
        answer(400, &[], throttled),
        answer(503, &[], ""),
        answer(200, &[], ANSWER),
    ]);
    let call = AssumeRole {
        session: session(),
        external_id: None,
        policy: None,
    };
    assert!(assume(&mut platform, &call).is_ok());
    assert_eq!(platform.sent.len(), 3);

    let mut platform = Scripted::new(vec![answer(400, &[], idp); 3]);
    let error = assume(&mut platform, &call).unwrap_err();
    assert!(error.is_retryable());
    assert_eq!(platform.sent.len(), 3);
    assert!(platform.clock > Duration::from_millis(3));
}

#[test]
fn answers_without_credentials_are_invalid_responses() {
    let bodies = [
        "",
        "<AssumeRoleResponse><AssumeRoleResult/></AssumeRoleResponse>",
        "not xml at all",
        // The credentials of another action's result are not this action's.
        &ANSWER.replace("AssumeRoleResult", "GetSessionTokenResult"),
    ];
    for body in bodies {
        let response = HttpResponse {
            status: 200,
            headers: Vec::new(),
            body: body.as_bytes().to_vec(),
        };
        let error = read_credentials(&response, "AssumeRole").unwrap_err();
        assert!(
            matches!(&error, ConnectorError::Execution { code, .. } if code == "InvalidResponse"),
            "{body}: {error:?}"
        );
    }
}
