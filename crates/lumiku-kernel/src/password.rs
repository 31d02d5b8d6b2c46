//! Password hashing with Argon2id, off the async threads, a few at a time.
//!
//! Every hash holds `memory_kib` of memory while it runs (19 MiB by default), so hashes are
//! bounded: at most `max_concurrent` run at once (about the number of cores, which is all the
//! CPU can do anyway), the next wait up to `queue_wait` for a turn, and past that the caller is
//! told the server is busy ([`Error::Busy`], a 503 with `Retry-After`). A flood of sign-ins costs
//! queue time, not memory.

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;
use argon2::{Algorithm, Argon2, Params, PasswordHasher, PasswordVerifier, Version};
use tokio::sync::Semaphore;

use crate::error::{Error, Result};

/// Argon2id cost parameters and how many hashes may run at once.
#[derive(Debug, Clone, Copy)]
pub struct PasswordParams {
    /// Memory in KiB. Default 7 168 (7 MiB) with 5 passes: of the settings OWASP recommends for
    /// Argon2id as equally strong (19 MiB × 2, 12 MiB × 3, 9 MiB × 4, 7 MiB × 5, each about the same
    /// CPU time), the one that holds the least memory while it runs; a burst of sign-ups or
    /// sign-ins costs a server 7 MiB per hash at once, not 19.
    pub memory_kib: u32,
    /// Passes over memory. Default 5.
    pub iterations: u32,
    /// Lanes. Default 1.
    pub parallelism: u32,
    /// Hashes running at once; 0 means one per core. Default 0.
    pub max_concurrent: usize,
    /// How long a hash may wait for its turn before the caller gets [`Error::Busy`]. Default 3 s.
    pub queue_wait: Duration,
}

impl Default for PasswordParams {
    fn default() -> Self {
        Self {
            memory_kib: 7_168,
            iterations: 5,
            parallelism: 1,
            max_concurrent: 0,
            queue_wait: Duration::from_secs(3),
        }
    }
}

/// Hashes and verifies passwords. Verifying against an unknown account costs the same as against a
/// known one (a dummy hash of the same parameters), so timing does not tell which emails exist.
#[derive(Clone)]
pub struct Passwords {
    argon: Arc<Argon2<'static>>,
    dummy_hash: Arc<str>,
    turns: Arc<Semaphore>,
    queue_wait: Duration,
}

impl Passwords {
    /// Builds the hasher and its dummy hash (one hash at start-up).
    pub fn new(params: PasswordParams) -> anyhow::Result<Self> {
        let max_concurrent = match params.max_concurrent {
            0 => std::thread::available_parallelism().map_or(2, usize::from),
            n => n,
        };
        let queue_wait = params.queue_wait;
        let params = Params::new(
            params.memory_kib,
            params.iterations,
            params.parallelism,
            None,
        )
        .map_err(|e| anyhow::anyhow!("invalid Argon2 parameters: {e}"))?;
        let dummy_hash = dummy_hash(&params)?;
        let argon = Argon2::new(Algorithm::Argon2id, Version::V0x13, params);
        Ok(Self {
            argon: Arc::new(argon),
            dummy_hash: dummy_hash.into(),
            turns: Arc::new(Semaphore::new(max_concurrent)),
            queue_wait,
        })
    }

    /// Runs `work` on a blocking thread once a turn is free; [`Error::Busy`] when none frees up
    /// within the queue wait. The turn is held until the work ends, even if the caller is gone.
    async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce(&Argon2<'static>) -> T + Send + 'static,
    ) -> Result<T> {
        let turn = tokio::time::timeout(self.queue_wait, Arc::clone(&self.turns).acquire_owned())
            .await
            .map_err(|_| Error::Busy(self.queue_wait.as_secs().max(1)))?
            .context("the password hashing queue closed")?;
        let argon = Arc::clone(&self.argon);
        let done = tokio::task::spawn_blocking(move || {
            let _turn = turn;
            work(&argon)
        })
        .await
        .context("password hashing task")?;
        Ok(done)
    }

    /// The PHC string of `password`'s hash with a fresh salt.
    pub async fn hash(&self, password: &str) -> Result<String> {
        let password = password.to_owned();
        self.run(move |argon| {
            argon
                .hash_password(password.as_bytes())
                .map(|h| h.to_string())
                .map_err(|e| anyhow::anyhow!("hashing a password: {e}"))
        })
        .await?
        .map_err(Error::from)
    }

    /// Whether `hash` was made with other settings than this hasher's (an older default, or
    /// changed configuration): after a successful sign-in it is worth hashing the password again.
    /// A string that is not a PHC hash is outdated too.
    pub fn outdated(&self, hash: &str) -> bool {
        use argon2::password_hash::phc::{ParamsString, PasswordHash};
        let Ok(hash) = PasswordHash::new(hash) else {
            return true;
        };
        let current = ParamsString::try_from(self.argon.params()).ok();
        hash.algorithm != Algorithm::Argon2id.ident()
            || hash.version != Some(Version::V0x13.into())
            || Some(&hash.params) != current.as_ref()
    }

    /// Whether `password` matches `hash`; with `None`, checks against the dummy hash and answers
    /// false, taking the same time as a real check.
    pub async fn verify(&self, password: &str, hash: Option<&str>) -> Result<bool> {
        let password = password.to_owned();
        let (hash, real) = match hash {
            Some(h) => (h.to_owned(), true),
            None => (self.dummy_hash.to_string(), false),
        };
        let matches = self
            .run(move |argon| {
                argon
                    .verify_password(password.as_bytes(), hash.as_str())
                    .is_ok()
            })
            .await?;
        Ok(real && matches)
    }
}

/// A hash with `params` that no password matches (its salt and output are random), made without
/// hashing anything: checking a password against it costs what checking against a real one does,
/// and starting a server allocates no hash's memory.
fn dummy_hash(params: &Params) -> anyhow::Result<String> {
    use argon2::password_hash::phc::{Output, ParamsString, PasswordHash, Salt};
    let mut salt = [0u8; 16];
    let mut output = [0u8; Params::DEFAULT_OUTPUT_LEN];
    getrandom::fill(&mut salt).context("random bytes for the dummy hash")?;
    getrandom::fill(&mut output).context("random bytes for the dummy hash")?;
    let hash = PasswordHash {
        algorithm: Algorithm::Argon2id.ident(),
        version: Some(Version::V0x13.into()),
        params: ParamsString::try_from(params)
            .map_err(|e| anyhow::anyhow!("the dummy hash's parameters: {e}"))?,
        salt: Some(Salt::new(&salt).map_err(|e| anyhow::anyhow!("the dummy hash's salt: {e}"))?),
        hash: Some(
            Output::new(&output).map_err(|e| anyhow::anyhow!("the dummy hash's output: {e}"))?,
        ),
    };
    Ok(hash.to_string())
}

/// The password policy: 8 to 1024 characters, not the email address, and not among the easiest
/// to guess. The last is zxcvbn's estimate (Dropbox's estimator: dictionaries of common passwords,
/// names and words, keyboard patterns, dates, repeats, with the address as a hint): a score of 0
/// or 1 (guessable within about a million tries) is refused. Only the first 100 characters are
/// estimated; a longer password is not the easy kind.
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
    let estimated: String = password.chars().take(100).collect();
    let hints = [email, local_part];
    if zxcvbn::zxcvbn(&estimated, &hints).score() < zxcvbn::Score::Two {
        return Err(
            "is too easy to guess: use a longer phrase of words that do not belong together",
        );
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
            ..PasswordParams::default()
        })
        .unwrap()
    }

    /// One turn, a hash that takes long, and a short queue: a second hash waits its turn out and
    /// is refused as busy; after the first ends, hashing goes on.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn past_the_queue_wait_a_hash_is_refused_as_busy() {
        let passwords = Passwords::new(PasswordParams {
            memory_kib: 64 * 1024,
            iterations: 8,
            max_concurrent: 1,
            queue_wait: Duration::from_millis(1),
            ..PasswordParams::default()
        })
        .unwrap();
        let (first, second) = tokio::join!(passwords.hash("first one"), async {
            tokio::time::sleep(Duration::from_millis(20)).await;
            passwords.hash("second one").await
        });
        first.unwrap();
        assert!(matches!(second, Err(Error::Busy(1))), "{second:?}");
        passwords.hash("third one").await.unwrap();
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

    #[tokio::test]
    async fn a_hash_of_other_settings_is_outdated() {
        let passwords = cheap();
        let own = passwords.hash("correct horse").await.unwrap();
        assert!(!passwords.outdated(&own));
        assert!(!passwords.outdated(&passwords.dummy_hash));
        let older = Passwords::new(PasswordParams {
            memory_kib: 2048,
            iterations: 1,
            ..PasswordParams::default()
        })
        .unwrap();
        let theirs = older.hash("correct horse").await.unwrap();
        assert!(passwords.outdated(&theirs));
        assert!(older.outdated(&own));
        // Still verified by the hasher of today: the settings are in the string.
        assert!(
            passwords
                .verify("correct horse", Some(&theirs))
                .await
                .unwrap()
        );
        assert!(passwords.outdated("not a hash"));
    }

    /// The dummy hash is made without hashing, so it must be what a real hash of the same
    /// parameters looks like (same algorithm, version, parameters, salt and output lengths), and
    /// checking against it must run the hash and fail on the output, not on the string.
    #[tokio::test]
    async fn the_dummy_hash_costs_what_a_real_hash_costs() {
        use argon2::password_hash::phc::PasswordHash;
        let passwords = cheap();
        let real = passwords.hash("correct horse").await.unwrap();
        let (real, dummy) = (
            PasswordHash::new(&real).unwrap(),
            PasswordHash::new(&passwords.dummy_hash).unwrap(),
        );
        assert_eq!(dummy.algorithm, real.algorithm);
        assert_eq!(dummy.version, real.version);
        assert_eq!(dummy.params, real.params);
        assert_eq!(dummy.params.to_string(), "m=1024,t=1,p=1");
        assert_eq!(
            dummy.salt.unwrap().as_ref().len(),
            real.salt.unwrap().as_ref().len()
        );
        assert_eq!(
            dummy.hash.unwrap().as_ref().len(),
            real.hash.unwrap().as_ref().len()
        );
        assert_eq!(
            passwords.argon.verify_password(b"anything", &dummy),
            Err(argon2::password_hash::Error::PasswordInvalid)
        );
        // A second server makes another: nothing about it is fixed in the binary.
        assert_ne!(cheap().dummy_hash, passwords.dummy_hash);
    }

    const EASY: &str =
        "is too easy to guess: use a longer phrase of words that do not belong together";

    #[test]
    fn policy_rejects_short_passwords_and_the_email() {
        let cases = [
            ("short", Err("must be at least 8 characters long")),
            ("ana@example.com", Err("must not be your email address")),
            ("ANA@EXAMPLE.COM", Err("must not be your email address")),
            ("password", Err(EASY)),
            ("12345678", Err(EASY)),
            ("        ", Err(EASY)),
            ("qwertyuiop", Err(EASY)),
            ("ana12345", Err(EASY)),
            ("a long enough password", Ok(())),
            ("correct horse battery", Ok(())),
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
