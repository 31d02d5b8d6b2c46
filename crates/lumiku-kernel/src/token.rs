//! Access tokens (short-lived JWTs) and refresh tokens (opaque, stored only as a SHA-256 hash).

use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::error::{Error, Result};

/// The claims of an access token.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claims {
    /// The user id.
    pub sub: Uuid,
    /// The session id.
    pub sid: Uuid,
    /// The platform role (`user` or `admin`) at issue time.
    pub role: String,
    /// Issued at (Unix seconds).
    pub iat: i64,
    /// Expires at (Unix seconds).
    pub exp: i64,
}

const EMAIL_PURPOSE: &str = "verify-email";

/// The claims of an e-mail verification link.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct EmailClaims {
    sub: Uuid,
    email: String,
    purpose: String,
    exp: i64,
}

const TICKET_PURPOSE: &str = "realtime";

/// The claims of a realtime ticket: a session's right to open one realtime connection to one
/// tenant within a minute, for clients that cannot send a header with a WebSocket.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct TicketClaims {
    sub: Uuid,
    sid: Uuid,
    tenant: Uuid,
    purpose: String,
    exp: i64,
}

/// Issues and checks tokens; keys are derived once at start-up.
pub struct Tokens {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    header: Header,
    access_ttl: Duration,
}

/// The HS256 signer and verifier `jsonwebtoken` is given in place of its `rust_crypto` provider,
/// whose RSA half (the `rsa` crate, RUSTSEC-2023-0071) Lumiku has no use for: every token here is
/// HS256. The HMAC is RustCrypto's, as in that provider.
mod hs256 {
    use hmac::{Hmac, Mac};
    use jsonwebtoken::crypto::{CryptoProvider, JwtSigner, JwtVerifier};
    use jsonwebtoken::errors::{ErrorKind, Result};
    use jsonwebtoken::jwk::ThumbprintHash;
    use jsonwebtoken::signature::{self, Signer, Verifier};
    use jsonwebtoken::{Algorithm, AlgorithmFamily, DecodingKey, EncodingKey};
    use sha2::Sha256;

    struct Hs256(Hmac<Sha256>);

    impl Hs256 {
        fn new(algorithm: Algorithm, family: AlgorithmFamily, key: &[u8]) -> Result<Self> {
            if algorithm != Algorithm::HS256 || family != AlgorithmFamily::Hmac {
                return Err(ErrorKind::InvalidAlgorithm.into());
            }
            Hmac::new_from_slice(key)
                .map(Self)
                .map_err(|_| ErrorKind::InvalidKeyFormat.into())
        }
    }

    impl Signer<Vec<u8>> for Hs256 {
        fn try_sign(&self, message: &[u8]) -> std::result::Result<Vec<u8>, signature::Error> {
            let mut mac = self.0.clone();
            mac.update(message);
            Ok(mac.finalize().into_bytes().to_vec())
        }
    }

    impl Verifier<Vec<u8>> for Hs256 {
        fn verify(
            &self,
            message: &[u8],
            tag: &Vec<u8>,
        ) -> std::result::Result<(), signature::Error> {
            let mut mac = self.0.clone();
            mac.update(message);
            // Constant-time comparison.
            mac.verify_slice(tag).map_err(signature::Error::from_source)
        }
    }

    impl JwtSigner for Hs256 {
        fn algorithm(&self) -> Algorithm {
            Algorithm::HS256
        }
    }

    impl JwtVerifier for Hs256 {
        fn algorithm(&self) -> Algorithm {
            Algorithm::HS256
        }
    }

    fn signer(algorithm: &Algorithm, key: &EncodingKey) -> Result<Box<dyn JwtSigner>> {
        Ok(Box::new(Hs256::new(
            *algorithm,
            key.family(),
            key.as_bytes(),
        )?))
    }

    fn verifier(algorithm: &Algorithm, key: &DecodingKey) -> Result<Box<dyn JwtVerifier>> {
        Ok(Box::new(Hs256::new(
            *algorithm,
            key.family(),
            key.try_get_as_bytes()?,
        )?))
    }

    fn digest(_: &[u8], _: ThumbprintHash) -> Result<Vec<u8>> {
        Err(ErrorKind::InvalidAlgorithm.into())
    }

    static PROVIDER: CryptoProvider = CryptoProvider {
        signer_factory: signer,
        verifier_factory: verifier,
        key_utils: jsonwebtoken::crypto::KeyUtils {
            compute_digest: digest,
            ..jsonwebtoken::crypto::KeyUtils::new_unimplemented()
        },
    };

    /// Makes it the process's provider (once; later calls find it there).
    pub fn install() {
        let _ = PROVIDER.install_default();
    }
}

impl Tokens {
    /// Keys from the HS256 secret.
    pub fn new(secret: &[u8], access_ttl: Duration) -> Self {
        hs256::install();
        let mut validation = Validation::new(Algorithm::HS256);
        validation.leeway = 5;
        validation.set_required_spec_claims(&["exp", "sub"]);
        Self {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            validation,
            header: Header::new(Algorithm::HS256),
            access_ttl,
        }
    }

    /// A signed access token and when it expires.
    pub fn issue_access(
        &self,
        user_id: Uuid,
        session_id: Uuid,
        role: &str,
        now: DateTime<Utc>,
    ) -> Result<(String, DateTime<Utc>)> {
        let expires_at = now + self.access_ttl;
        let claims = Claims {
            sub: user_id,
            sid: session_id,
            role: role.to_owned(),
            iat: now.timestamp(),
            exp: expires_at.timestamp(),
        };
        let token = jsonwebtoken::encode(&self.header, &claims, &self.encoding)
            .map_err(|e| anyhow::anyhow!("signing an access token: {e}"))?;
        Ok((token, expires_at))
    }

    /// The claims of a well-signed, unexpired token.
    pub fn verify_access(&self, token: &str) -> Result<Claims> {
        jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation)
            .map(|data| data.claims)
            .map_err(|_| Error::InvalidToken)
    }

    /// A signed link token proving that whoever holds it reads `email`'s mail, for two days.
    pub fn issue_email_verification(
        &self,
        user_id: Uuid,
        email: &str,
        now: DateTime<Utc>,
    ) -> Result<String> {
        let claims = EmailClaims {
            sub: user_id,
            email: email.to_owned(),
            purpose: EMAIL_PURPOSE.to_owned(),
            exp: (now + chrono::Duration::days(2)).timestamp(),
        };
        jsonwebtoken::encode(&self.header, &claims, &self.encoding)
            .map_err(|e| anyhow::anyhow!("signing an e-mail verification token: {e}").into())
    }

    /// The account and address of a well-signed, unexpired e-mail verification token (an access
    /// token is not one: it has no address and no purpose).
    pub fn verify_email_token(&self, token: &str) -> Result<(Uuid, String)> {
        jsonwebtoken::decode::<EmailClaims>(token, &self.decoding, &self.validation)
            .ok()
            .map(|data| data.claims)
            .filter(|claims| claims.purpose == EMAIL_PURPOSE)
            .map(|claims| (claims.sub, claims.email))
            .ok_or(Error::InvalidToken)
    }

    /// A realtime ticket for `session_id` of `user_id` in `tenant_id`, valid until `expires_at`.
    pub fn issue_ticket(
        &self,
        user_id: Uuid,
        session_id: Uuid,
        tenant_id: Uuid,
        expires_at: DateTime<Utc>,
    ) -> Result<String> {
        let claims = TicketClaims {
            sub: user_id,
            sid: session_id,
            tenant: tenant_id,
            purpose: TICKET_PURPOSE.to_owned(),
            exp: expires_at.timestamp(),
        };
        jsonwebtoken::encode(&self.header, &claims, &self.encoding)
            .map_err(|e| anyhow::anyhow!("signing a realtime ticket: {e}").into())
    }

    /// The user, session and tenant of a well-signed, unexpired realtime ticket.
    pub fn verify_ticket(&self, ticket: &str) -> Result<(Uuid, Uuid, Uuid)> {
        jsonwebtoken::decode::<TicketClaims>(ticket, &self.decoding, &self.validation)
            .ok()
            .map(|data| data.claims)
            .filter(|claims| claims.purpose == TICKET_PURPOSE)
            .map(|claims| (claims.sub, claims.sid, claims.tenant))
            .ok_or(Error::InvalidToken)
    }

    /// Access-token lifetime.
    pub fn access_ttl(&self) -> Duration {
        self.access_ttl
    }
}

/// A fresh opaque refresh token (256 random bits, URL-safe) and the hash to store for it.
pub fn new_refresh_token() -> Result<(String, String)> {
    let token = random_token(32)?;
    let hash = hash_refresh_token(&token);
    Ok((token, hash))
}

/// The stored form of a refresh token.
pub fn hash_refresh_token(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

/// `bytes` random bytes from the OS, URL-safe base64 without padding.
pub fn random_token(bytes: usize) -> Result<String> {
    let mut buffer = vec![0u8; bytes];
    getrandom::fill(&mut buffer).map_err(|e| anyhow::anyhow!("reading OS randomness: {e}"))?;
    Ok(URL_SAFE_NO_PAD.encode(buffer))
}

/// Lower-case hex of `bytes`.
pub fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_access_token_round_trips_and_a_tampered_one_does_not() {
        let tokens = Tokens::new(
            b"0123456789abcdef0123456789abcdef",
            Duration::from_secs(900),
        );
        let (user, session) = (Uuid::now_v7(), Uuid::now_v7());
        let (token, _) = tokens
            .issue_access(user, session, "user", Utc::now())
            .unwrap();
        let claims = tokens.verify_access(&token).unwrap();
        assert_eq!(
            (claims.sub, claims.sid, claims.role.as_str()),
            (user, session, "user")
        );

        let other = Tokens::new(
            b"another secret, another signature",
            Duration::from_secs(900),
        );
        assert!(other.verify_access(&token).is_err());
        assert!(tokens.verify_access("not.a.token").is_err());
    }

    #[test]
    fn hs256_verifies_a_token_made_elsewhere_and_nothing_else() {
        hs256::install();
        // jwt.io's HS256 example, signed by another implementation.
        let token = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6Ik\
                     pvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c";
        let key = DecodingKey::from_secret(b"your-256-bit-secret");
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_required_spec_claims::<&str>(&[]);
        validation.validate_exp = false;
        let decoded =
            jsonwebtoken::decode::<serde_json::Value>(token, &key, &validation).expect("verifies");
        assert_eq!(decoded.claims["name"], "John Doe");
        let other = DecodingKey::from_secret(b"another-256-bit-secret");
        assert!(jsonwebtoken::decode::<serde_json::Value>(token, &other, &validation).is_err());
        // Signing what it verifies gives the same signature back.
        let (message, signature) = token.rsplit_once('.').unwrap();
        let signed = jsonwebtoken::crypto::sign(
            message.as_bytes(),
            &EncodingKey::from_secret(b"your-256-bit-secret"),
            Algorithm::HS256,
        )
        .unwrap();
        assert_eq!(signed, signature);
        // Every other algorithm is refused.
        assert!(
            jsonwebtoken::crypto::sign(
                message.as_bytes(),
                &EncodingKey::from_secret(b"your-256-bit-secret"),
                Algorithm::HS512,
            )
            .is_err()
        );
    }

    #[test]
    fn an_expired_access_token_is_refused() {
        let tokens = Tokens::new(b"0123456789abcdef0123456789abcdef", Duration::from_secs(1));
        let issued = Utc::now() - chrono::Duration::minutes(10);
        let (token, _) = tokens
            .issue_access(Uuid::now_v7(), Uuid::now_v7(), "user", issued)
            .unwrap();
        assert!(tokens.verify_access(&token).is_err());
    }

    #[test]
    fn refresh_tokens_are_random_and_stored_hashed() {
        let (a, hash_a) = new_refresh_token().unwrap();
        let (b, _) = new_refresh_token().unwrap();
        assert_ne!(a, b);
        assert_eq!(hash_a, hash_refresh_token(&a));
        assert_eq!(hash_a.len(), 64);
        assert!(!hash_a.contains(&a));
    }
}
