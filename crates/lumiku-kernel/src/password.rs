//! Password hashing with Argon2id, off the async threads.

use std::sync::Arc;

use anyhow::Context as _;
use argon2::{Algorithm, Argon2, Params, PasswordHasher, PasswordVerifier, Version};

/// Argon2id cost parameters.
#[derive(Debug, Clone, Copy)]
pub struct PasswordParams {
    /// Memory in KiB. Default 19 456 (19 MiB), OWASP's recommendation for Argon2id.
    pub memory_kib: u32,
    /// Passes over memory. Default 2.
    pub iterations: u32,
    /// Lanes. Default 1.
    pub parallelism: u32,
}

impl Default for PasswordParams {
    fn default() -> Self {
        Self {
            memory_kib: 19_456,
            iterations: 2,
            parallelism: 1,
        }
    }
}

/// Hashes and verifies passwords. Verifying against an unknown account costs the same as against a
/// known one (a dummy hash of the same parameters), so timing does not tell which emails exist.
#[derive(Clone)]
pub struct Passwords {
    argon: Arc<Argon2<'static>>,
    dummy_hash: Arc<str>,
}

impl Passwords {
    /// Builds the hasher and its dummy hash (one hash at start-up).
    pub fn new(params: PasswordParams) -> anyhow::Result<Self> {
        let params = Params::new(
            params.memory_kib,
            params.iterations,
            params.parallelism,
            None,
        )
        .map_err(|e| anyhow::anyhow!("invalid Argon2 parameters: {e}"))?;
        let argon = Argon2::new(Algorithm::Argon2id, Version::V0x13, params);
        let dummy_hash = argon
            .hash_password(b"lumiku-dummy-password")
            .map_err(|e| anyhow::anyhow!("hashing the dummy password: {e}"))?
            .to_string();
        Ok(Self {
            argon: Arc::new(argon),
            dummy_hash: dummy_hash.into(),
        })
    }

    /// The PHC string of `password`'s hash with a fresh salt.
    pub async fn hash(&self, password: &str) -> anyhow::Result<String> {
        let argon = Arc::clone(&self.argon);
        let password = password.to_owned();
        tokio::task::spawn_blocking(move || {
            argon
                .hash_password(password.as_bytes())
                .map(|h| h.to_string())
                .map_err(|e| anyhow::anyhow!("hashing a password: {e}"))
        })
        .await
        .context("password hashing task")?
    }

    /// Whether `password` matches `hash`; with `None`, checks against the dummy hash and answers
    /// false, taking the same time as a real check.
    pub async fn verify(&self, password: &str, hash: Option<&str>) -> anyhow::Result<bool> {
        let argon = Arc::clone(&self.argon);
        let password = password.to_owned();
        let (hash, real) = match hash {
            Some(h) => (h.to_owned(), true),
            None => (self.dummy_hash.to_string(), false),
        };
        let matches = tokio::task::spawn_blocking(move || {
            argon
                .verify_password(password.as_bytes(), hash.as_str())
                .is_ok()
        })
        .await
        .context("password verification task")?;
        Ok(real && matches)
    }
}

/// The password policy: at least 8 characters, at most 1024, and not the email address.
pub fn check_policy(email: &str, password: &str) -> Result<(), &'static str> {
    let chars = password.chars().count();
    if chars < 8 {
        return Err("must be at least 8 characters long");
    }
    if chars > 1024 {
        return Err("must be at most 1024 characters long");
    }
    let lowered = password.trim().to_lowercase();
    let local_part = email.split('@').next().unwrap_or(email);
    if lowered == email || lowered == local_part {
        return Err("must not be your email address");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cheap() -> Passwords {
        Passwords::new(PasswordParams {
            memory_kib: 1024,
            iterations: 1,
            parallelism: 1,
        })
        .unwrap()
    }

    #[tokio::test]
    async fn a_hash_verifies_its_password_and_no_other() {
        let passwords = cheap();
        let hash = passwords.hash("correct horse").await.unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(
            passwords
                .verify("correct horse", Some(&hash))
                .await
                .unwrap()
        );
        assert!(!passwords.verify("wrong horse", Some(&hash)).await.unwrap());
    }

    #[tokio::test]
    async fn verifying_without_an_account_is_always_false() {
        let passwords = cheap();
        assert!(
            !passwords
                .verify("lumiku-dummy-password", None)
                .await
                .unwrap()
        );
    }

    #[test]
    fn policy_rejects_short_passwords_and_the_email() {
        let cases = [
            ("short", Err("must be at least 8 characters long")),
            ("ana@example.com", Err("must not be your email address")),
            ("ANA@EXAMPLE.COM", Err("must not be your email address")),
            ("ana@exam", Ok(())),
            ("long enough", Ok(())),
        ];
        for (password, expected) in cases {
            assert_eq!(
                check_policy("ana@example.com", password),
                expected,
                "{password}"
            );
        }
    }
}
