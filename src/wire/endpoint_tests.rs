use super::*;

/// The full parse alone, as before the plain shape was read on its own.
fn full_parse(url: &str) -> Option<Endpoint> {
    let uri: http::Uri = url.trim().parse().ok()?;
    let https = match uri.scheme_str()? {
        s if s.eq_ignore_ascii_case("https") => true,
        s if s.eq_ignore_ascii_case("http") => false,
        _ => return None,
    };
    let authority = uri.authority()?;
    if authority.as_str().contains('@') || authority.host().is_empty() {
        return None;
    }
    if !matches!(uri.path(), "" | "/") || uri.query().is_some() || url.contains('#') {
        return None;
    }
    Some(Endpoint {
        https,
        authority: authority.as_str().to_ascii_lowercase(),
    })
}

#[test]
fn the_plain_shape_is_read_as_the_full_parse_reads_it() {
    let urls = [
        "http://127.0.0.1:8000",
        "http://127.0.0.1:8000/",
        "https://dynamodb.us-east-1.amazonaws.com",
        "https://DynamoDB.EU-West-1.amazonaws.com/",
        "http://localhost:0",
        "http://localhost:65535",
        "http://localhost:08000",
        "http://my-host.example",
        "http://a",
        "http://-.",
    ];
    for url in urls {
        let plain = plain_endpoint(url);
        assert!(plain.is_some(), "{url} is the plain shape");
        assert_eq!(plain, full_parse(url), "{url}");
        assert_eq!(plain.as_ref(), parse_endpoint(url).ok().as_ref(), "{url}");
    }
}

#[test]
fn other_shapes_are_left_to_the_full_parse() {
    let urls = [
        "",
        "http://",
        "http:///",
        "http://:8000",
        "http://host:",
        "http://host:65536",
        "http://host:-1",
        "http://host:+80",
        "http://host:80:80",
        "http://host//",
        "http://host/path",
        "http://host?q",
        "http://host#f",
        "http://user@host",
        "http://[::1]:8000",
        "http://h\u{e9}st",
        " http://host",
        "http://host ",
        "HTTP://host",
        "ftp://host",
        "host:8000",
        "http://ho_st",
        "http://ho%41st",
    ];
    for url in urls {
        assert_eq!(plain_endpoint(url), None, "{url:?}");
    }
}
