//! A question's `reading`: links to the chapter, RFC or vendor page that explains it.
//! Checked here, when a pack loads, so every front end can print them as they are.

use super::model::Reading;

/// Most links one question carries: one precise link beats several vague ones.
pub const MAX_READING: usize = 3;
/// Longest link title, in characters.
pub const MAX_TITLE_LEN: usize = 100;
/// Longest URL, in bytes.
pub const MAX_URL_LEN: usize = 300;

/// A link's title, trimmed, or why it is refused.
pub fn parse_title(title: &str) -> Result<String, String> {
    let t = title.trim();
    if t.is_empty() {
        return Err("empty title".into());
    }
    if t.chars().count() > MAX_TITLE_LEN {
        return Err(format!(
            "title is {} characters, the limit is {MAX_TITLE_LEN}",
            t.chars().count()
        ));
    }
    if t.chars().any(char::is_control) {
        return Err("a title is one line without control characters".into());
    }
    if let Some(c) = t.chars().find(|c| "[]<>`".contains(*c)) {
        return Err(format!("title contains {c:?}, which would break the link"));
    }
    Ok(t.to_string())
}

/// A link's URL, or why it is refused: absolute `https://`, a host of letters, digits,
/// dots and dashes (and a port), no spaces, and none of the characters that would end a
/// Markdown link or Discord's `<…>` early.
pub fn parse_url(url: &str) -> Result<String, String> {
    let Some(rest) = url.strip_prefix("https://") else {
        return Err(if url.contains("://") {
            format!("'{url}' is not https; links must start with https://")
        } else {
            format!("'{url}' is not an absolute URL; links must start with https://")
        });
    };
    if url.len() > MAX_URL_LEN {
        return Err(format!(
            "URL is {} bytes, the limit is {MAX_URL_LEN}",
            url.len()
        ));
    }
    if let Some(c) = url
        .chars()
        .find(|c| c.is_whitespace() || c.is_control() || "<>\"`()[]{}|\\^".contains(*c))
    {
        return Err(format!(
            "URL contains {c:?}; encode it or pick another link"
        ));
    }
    let host_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let host = &rest[..host_end];
    let name = host.split_once(':').map_or(host, |(h, _)| h);
    let port_ok = host
        .split_once(':')
        .is_none_or(|(_, p)| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
    let labels_ok = name.contains('.')
        && name.split('.').all(|l| {
            !l.is_empty()
                && !l.starts_with('-')
                && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        });
    if !labels_ok || !port_ok {
        return Err(format!("'{url}' has no valid host after https://"));
    }
    Ok(url.to_string())
}

/// A checked link.
pub fn parse(title: &str, url: &str) -> Result<Reading, (&'static str, String)> {
    let title = parse_title(title).map_err(|e| ("title", e))?;
    let url = parse_url(url).map_err(|e| ("url", e))?;
    Ok(Reading { title, url })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absolute_https_urls_with_a_host_are_accepted() {
        for ok in [
            "https://www.rfc-editor.org/rfc/rfc9110#section-9.2.2",
            "https://www.postgresql.org/docs/current/transaction-iso.html",
            "https://google.aip.dev/158",
            "https://example.com:8443/a?b=c",
        ] {
            assert_eq!(parse_url(ok).as_deref(), Ok(ok));
        }
    }

    #[test]
    fn http_relative_hostless_and_spaced_urls_are_refused() {
        for (bad, says) in [
            ("http://example.com/", "not https"),
            ("ftp://example.com/", "not https"),
            ("/docs/current/indexes.html", "not an absolute URL"),
            ("www.example.com/a", "not an absolute URL"),
            ("https://", "no valid host"),
            ("https:///path", "no valid host"),
            ("https://localhost/a", "no valid host"),
            ("https://user@example.com/", "no valid host"),
            ("https://example.com:/", "no valid host"),
            ("https://exa mple.com/", "contains ' '"),
            ("https://example.com/a b", "contains ' '"),
            ("https://example.com/a>b", "contains '>'"),
            ("https://example.com/(x)", "contains '('"),
        ] {
            let e = parse_url(bad).expect_err(bad);
            assert!(e.contains(says), "{bad}: {e}");
        }
    }

    #[test]
    fn titles_are_trimmed_one_line_and_short() {
        assert_eq!(parse_title("  RFC 9457  ").as_deref(), Ok("RFC 9457"));
        assert_eq!(parse_title(" ").unwrap_err(), "empty title");
        assert!(parse_title("a\nb").is_err());
        assert!(parse_title("see [this]").is_err());
        assert!(parse_title(&"x".repeat(MAX_TITLE_LEN)).is_ok());
        assert!(parse_title(&"x".repeat(MAX_TITLE_LEN + 1)).is_err());
    }
}
