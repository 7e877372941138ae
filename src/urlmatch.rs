//! URL patterns of known documents: `host/path` globs where `*` matches any run.
//!
//! The content script's gate applies the same rule in JavaScript to decide,
//! without loading the core, whether a page is a known document.

/// `https://Example.com/a/b?x#y` -> `example.com/a/b` (lowercase, no scheme,
/// no query, no fragment, no `www.`-insensitivity: patterns say `*` for that).
pub fn host_and_path(url: &str) -> Option<String> {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let end = rest.find(['?', '#']).unwrap_or(rest.len());
    let hp = &rest[..end];
    if hp.is_empty() {
        return None;
    }
    // Drop user info and port from the host part.
    let (host, path) = hp.split_once('/').map_or((hp, ""), |(h, p)| (h, p));
    let host = host.rsplit('@').next().unwrap_or(host);
    let host = host.split(':').next().unwrap_or(host);
    Some(format!("{}/{}", host.to_lowercase(), path.to_lowercase()))
}

/// Does `pattern` (lowercased, `*` = any run) match all of `text`?
pub fn glob(pattern: &str, text: &str) -> bool {
    let pattern = pattern.to_lowercase();
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    // Iterative wildcard matching with one backtrack point (the last `*`).
    let (mut pi, mut ti) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && p[pi] == '*' {
            star = Some((pi, ti));
            pi += 1;
        } else if pi < p.len() && p[pi] == t[ti] {
            pi += 1;
            ti += 1;
        } else if let Some((sp, st)) = star {
            pi = sp + 1;
            ti = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    while pi < p.len() && p[pi] == '*' {
        pi += 1;
    }
    pi == p.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_scheme_query_and_port() {
        assert_eq!(
            host_and_path("https://AWS.amazon.com:443/Service-Terms/?nc=1#x").as_deref(),
            Some("aws.amazon.com/service-terms/")
        );
    }

    #[test]
    fn globs() {
        assert!(glob(
            "aws.amazon.com/service-terms*",
            "aws.amazon.com/service-terms/"
        ));
        assert!(glob(
            "*anthropic.com/legal/aup*",
            "www.anthropic.com/legal/aup"
        ));
        assert!(!glob(
            "x.ai/legal/terms-of-service",
            "x.ai/legal/terms-of-service-enterprise"
        ));
        assert!(glob(
            "openai.com/*/policies/x*",
            "openai.com/fr-fr/policies/x/"
        ));
        assert!(!glob(
            "openai.com/policies/x*",
            "evil.com/openai.com/policies/x"
        ));
    }
}
