//! Outbound requests an app makes for a tenant (a scheduled HTTP call, a webhook): which targets
//! the platform lets it reach.
//!
//! Only `http` and `https` URLs, and unless the platform's `allow_private_networks` is on, only
//! public addresses: loopback, private, link-local (cloud metadata at 169.254.169.254), shared
//! (100.64/10), multicast and reserved ranges are refused, for IPv4, IPv6 and IPv4 inside IPv6.
//! Resolve a host name with [`resolve`], which checks every address it answers, and connect to
//! those addresses only, so a name cannot resolve to a public address when checked and a private
//! one when used.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

/// Why a target was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TargetError {
    /// Not an absolute `http`/`https` URL with a host.
    #[error("{0}")]
    Url(String),
    /// The host is, or resolves to, an address the platform does not let apps reach.
    #[error(
        "{0} is a private, loopback or reserved address, which outbound requests may not reach"
    )]
    Private(IpAddr),
    /// The host name does not resolve.
    #[error("the host name '{0}' does not resolve")]
    Unresolved(String),
}

/// Whether `ip` is on the public internet (not loopback, private, link-local, shared, multicast,
/// documentation or otherwise reserved).
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_public_v4(v4);
            }
            let s = v6.segments();
            // NAT64 (64:ff9b::/96) carries an IPv4 address in its last 32 bits.
            if s[0] == 0x64 && s[1] == 0xff9b && s[2..6] == [0, 0, 0, 0] {
                let v4 =
                    Ipv4Addr::new((s[6] >> 8) as u8, s[6] as u8, (s[7] >> 8) as u8, s[7] as u8);
                return is_public_v4(v4);
            }
            !(v6.is_unspecified()
                || v6.is_loopback()
                || v6.is_multicast()
                || (s[0] & 0xfe00) == 0xfc00 // unique local fc00::/7
                || (s[0] & 0xffc0) == 0xfe80 // link-local fe80::/10
                || (s[0] & 0xffc0) == 0xfec0 // site-local (deprecated) fec0::/10
                || (s[0] == 0x2001 && s[1] == 0x0db8) // documentation
                || (s[0] == 0 && s[1] == 0 && s[2] == 0 && s[3] == 0 && s[4] == 0 && s[5] == 0)) // IPv4-compatible
        }
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    !(ip.is_unspecified()
        || ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_multicast()
        || ip.is_broadcast()
        || ip.is_documentation()
        || a == 0
        || (a == 100 && (64..128).contains(&b)) // shared address space (CGNAT)
        || (a == 192 && b == 0 && c == 0) // IETF protocol assignments
        || (a == 198 && (18..20).contains(&b)) // benchmarking
        || a >= 240) // reserved
}

/// Checks `url`'s scheme and host, without resolving it: answers the host and port.
pub fn check_url(url: &str) -> Result<(String, u16), TargetError> {
    let parsed = url::Url::parse(url.trim())
        .map_err(|e| TargetError::Url(format!("not a valid URL: {e}")))?;
    let port = match parsed.scheme() {
        "http" => parsed.port().unwrap_or(80),
        "https" => parsed.port().unwrap_or(443),
        other => {
            return Err(TargetError::Url(format!(
                "only http and https URLs are allowed, not '{other}'"
            )));
        }
    };
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(TargetError::Url(
            "put credentials in a header, not in the URL".into(),
        ));
    }
    let host = match parsed.host() {
        Some(url::Host::Domain(d)) => d.to_owned(),
        Some(url::Host::Ipv4(ip)) => ip.to_string(),
        Some(url::Host::Ipv6(ip)) => ip.to_string(),
        None => return Err(TargetError::Url("the URL has no host".into())),
    };
    Ok((host, port))
}

/// Checks one address against the policy.
pub fn check_ip(ip: IpAddr, allow_private: bool) -> Result<(), TargetError> {
    if allow_private || is_public(ip) {
        Ok(())
    } else {
        Err(TargetError::Private(ip))
    }
}

/// Checks a host without resolving it: a literal address against the policy, and `localhost`
/// (with its subdomains) as the loopback address it always is. A name that resolves somewhere
/// private is caught by [`resolve`] when the request is made.
pub fn check_host(host: &str, allow_private: bool) -> Result<(), TargetError> {
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    if let Ok(ip) = bare.parse::<IpAddr>() {
        return check_ip(ip, allow_private);
    }
    let lower = bare.trim_end_matches('.').to_ascii_lowercase();
    if lower == "localhost" || lower.ends_with(".localhost") {
        return check_ip(IpAddr::V4(Ipv4Addr::LOCALHOST), allow_private);
    }
    Ok(())
}

/// Resolves `host` and answers its addresses on `port`, refusing the whole answer when any of
/// them is not allowed (a name that answers one private address is not a public target).
pub async fn resolve(
    host: &str,
    port: u16,
    allow_private: bool,
) -> Result<Vec<SocketAddr>, TargetError> {
    if let Ok(ip) = host
        .trim_start_matches('[')
        .trim_end_matches(']')
        .parse::<IpAddr>()
    {
        check_ip(ip, allow_private)?;
        return Ok(vec![SocketAddr::new(ip, port)]);
    }
    let addrs: Vec<SocketAddr> = tokio::net::lookup_host((host, port))
        .await
        .map_err(|_| TargetError::Unresolved(host.to_owned()))?
        .collect();
    if addrs.is_empty() {
        return Err(TargetError::Unresolved(host.to_owned()));
    }
    for addr in &addrs {
        check_ip(addr.ip(), allow_private)?;
    }
    Ok(addrs)
}

/// Resolves names through [`resolve`], so every address a name answers is checked.
struct GuardedResolver {
    allow_private: bool,
}

impl reqwest::dns::Resolve for GuardedResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let allow_private = self.allow_private;
        Box::pin(async move {
            let addrs: Vec<SocketAddr> = resolve(name.as_str(), 0, allow_private)
                .await
                .map_err(|e| Box::new(e) as Box<dyn std::error::Error + Send + Sync>)?;
            Ok(Box::new(addrs.into_iter()) as reqwest::dns::Addrs)
        })
    }
}

fn build_client(allow_private: bool) -> reqwest::Client {
    reqwest::Client::builder()
        .dns_resolver(std::sync::Arc::new(GuardedResolver { allow_private }))
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(std::time::Duration::from_secs(10))
        .timeout(std::time::Duration::from_secs(30))
        .user_agent("Lumiku/1")
        .build()
        .expect("the HTTP client builds")
}

static PUBLIC_ONLY: std::sync::LazyLock<reqwest::Client> =
    std::sync::LazyLock::new(|| build_client(false));
static ANY_ADDRESS: std::sync::LazyLock<reqwest::Client> =
    std::sync::LazyLock::new(|| build_client(true));

/// The HTTP client for requests made for a tenant (a scheduled task's call, a webhook): it
/// resolves names itself and connects only to addresses the policy allows, follows no redirect,
/// and gives up after 30 seconds (less with a request's own timeout). A URL with a literal
/// address never reaches the resolver: check it with [`check_url`] and [`check_host`] first.
pub fn client(allow_private: bool) -> &'static reqwest::Client {
    if allow_private {
        &ANY_ADDRESS
    } else {
        &PUBLIC_ONLY
    }
}

/// The first `max` bytes of `response`'s body as text (invalid UTF-8 replaced), and what went
/// wrong reading it, if anything did before `max` bytes came.
pub async fn read_start(mut response: reqwest::Response, max: usize) -> (String, Option<String>) {
    let mut kept = Vec::new();
    let mut error = None;
    while kept.len() < max {
        match response.chunk().await {
            Ok(Some(chunk)) => kept.extend_from_slice(&chunk),
            Ok(None) => break,
            Err(e) => {
                error = Some(describe(&e));
                break;
            }
        }
    }
    kept.truncate(max);
    (String::from_utf8_lossy(&kept).into_owned(), error)
}

/// A request's error and its causes, on one line (`timed out` for a timeout).
pub fn describe(error: &reqwest::Error) -> String {
    if error.is_timeout() {
        return "timed out".to_owned();
    }
    let mut text = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_loopback_and_metadata_addresses_are_not_public() {
        for ip in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "255.255.255.255",
            "224.0.0.1",
            "::1",
            "::",
            "fd00::1",
            "fe80::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "64:ff9b::a00:1",
            "::127.0.0.1",
        ] {
            assert!(!is_public(ip.parse().unwrap()), "{ip}");
        }
        for ip in [
            "93.184.216.34",
            "1.1.1.1",
            "2606:4700:4700::1111",
            "::ffff:8.8.8.8",
        ] {
            assert!(is_public(ip.parse().unwrap()), "{ip}");
        }
    }

    #[test]
    fn only_http_and_https_urls_with_a_host_pass() {
        assert_eq!(
            check_url("https://example.com/x").unwrap(),
            ("example.com".into(), 443)
        );
        assert_eq!(check_url("http://example.com:8080").unwrap().1, 8080);
        for bad in [
            "ftp://example.com",
            "file:///etc/passwd",
            "gopher://x",
            "example.com",
            "http://user:pw@example.com/",
        ] {
            assert!(check_url(bad).is_err(), "{bad}");
        }
    }

    #[tokio::test]
    async fn a_literal_private_address_is_refused_unless_allowed() {
        assert_eq!(
            resolve("127.0.0.1", 80, false).await.unwrap_err(),
            TargetError::Private("127.0.0.1".parse().unwrap())
        );
        assert!(resolve("[::1]", 80, false).await.is_err());
        assert_eq!(resolve("127.0.0.1", 80, true).await.unwrap().len(), 1);
        assert!(matches!(
            resolve("localhost", 80, false).await,
            Err(TargetError::Private(_))
        ));
    }
}
