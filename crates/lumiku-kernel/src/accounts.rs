//! Accounts and sessions: registration, login, refresh-token rotation, logout, profile, password.
//!
//! A session is one refresh-token family. Every refresh spends the presented token and issues the
//! next one in the same session; presenting a spent token again means it leaked, so the whole
//! session is revoked. Access tokens are short-lived JWTs that also name their session, and are
//! only accepted while that session is live, so logout and revocation take effect at once.

use chrono::{DateTime, Utc};
use lumiku_store::{Tx, new_id, now, sql};
use serde::Serialize;
use serde_json::json;
use uuid::Uuid;

use crate::audit::{self, NewAuditEvent, action};
use crate::context::{Caller, ClientInfo, platform_role};
use crate::devices::revoke_session;
use crate::error::{Error, Result};
use crate::kernel::Kernel;
use crate::password::check_policy;
use crate::token::{hash_refresh_token, new_refresh_token};
use crate::users::{Email, USER_COLUMNS, User, fetch_user, insert_user};
use crate::{devices, ratelimit, tenants};

/// A pair of tokens for a session.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TokenPair {
    /// Short-lived JWT for `Authorization: Bearer`.
    pub access_token: String,
    /// Always `Bearer`.
    pub token_type: &'static str,
    /// Seconds until the access token expires.
    pub expires_in: u64,
    /// When the access token expires.
    pub access_token_expires_at: DateTime<Utc>,
    /// Opaque single-use token for `POST /api/auth/refresh`.
    pub refresh_token: String,
    /// The session both tokens belong to.
    pub session_id: Uuid,
}

/// A signed-in user and their tokens.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AuthSession {
    /// The account.
    pub user: User,
    /// The tokens.
    pub tokens: TokenPair,
    /// The user's personal tenant.
    pub personal_tenant_id: Uuid,
}

/// Registration input.
#[derive(Debug, Clone)]
pub struct Registration<'a> {
    /// Email address (normalised here).
    pub email: &'a str,
    /// Password in clear.
    pub password: &'a str,
    /// Display name.
    pub name: Option<&'a str>,
    /// Client-chosen stable device id, if the client keeps one.
    pub device_id: Option<&'a str>,
    /// Client-chosen device name.
    pub device_name: Option<&'a str>,
}

/// Login input.
#[derive(Debug, Clone)]
pub struct Login<'a> {
    /// Email address.
    pub email: &'a str,
    /// Password in clear.
    pub password: &'a str,
    /// Client-chosen stable device id.
    pub device_id: Option<&'a str>,
    /// Client-chosen device name.
    pub device_name: Option<&'a str>,
}

/// A checked account whose password is already hashed.
struct NewAccount {
    email: Email,
    name: Option<String>,
    password_hash: String,
}

fn check_name(name: Option<&str>) -> Result<Option<String>> {
    lumiku_plugin::text::optional_one_line(name, 100)
        .map(|name| name.map(str::to_owned))
        .map_err(|message| Error::invalid("name", message))
}

impl Kernel {
    /// Creates an account, its personal tenant and a first session.
    pub async fn register(
        &self,
        input: Registration<'_>,
        client: &ClientInfo,
    ) -> Result<AuthSession> {
        let (email, name) = self.check_new_account(input.email, input.password, input.name)?;
        // Accounts from one address are counted (before the hash, which is the dear part), and
        // a registration stays counted whether or not it then succeeds.
        let limits = self.settings.login_limits;
        let key = client.ip.as_deref().map(ratelimit::registration_key);
        let reservation = match &key {
            Some(key) if limits.registrations_per_ip > 0 => {
                let limit = ratelimit::Limit {
                    key,
                    max: limits.registrations_per_ip,
                };
                Some(
                    ratelimit::reserve(&self.db, &[limit], limits.registration_window, now())
                        .await?,
                )
            }
            _ => None,
        };
        let hashed = self.passwords.hash(input.password).await;
        let password_hash = match reservation {
            // Never hashed (the server was busy): given back, not counted.
            Some(reservation) => {
                let (hash, _counted) = self.unless_unchecked(hashed, reservation).await?;
                hash
            }
            None => hashed?,
        };
        let account = NewAccount {
            email,
            name,
            password_hash,
        };
        let mut tx = self.db.begin().await?;
        let (user, tenant_id) = self
            .create_account(&mut tx, &account, platform_role::USER, client)
            .await?;
        let tokens = self
            .open_session(
                &mut tx,
                &user,
                input.device_id,
                input.device_name,
                client,
                now(),
            )
            .await?;
        tx.commit().await?;
        Ok(AuthSession {
            user,
            tokens,
            personal_tenant_id: tenant_id,
        })
    }

    /// Creates an account without a session (the `admin create-user` command).
    pub async fn create_user(
        &self,
        email: &str,
        password: &str,
        name: Option<&str>,
        admin: bool,
    ) -> Result<User> {
        let role = if admin {
            platform_role::ADMIN
        } else {
            platform_role::USER
        };
        let account = self.prepare_account(email, password, name).await?;
        let mut tx = self.db.begin().await?;
        let (user, _) = self
            .create_account(&mut tx, &account, role, &ClientInfo::default())
            .await?;
        tx.commit().await?;
        Ok(user)
    }

    /// Sets the platform role of the person with address `email` (the `admin promote` and
    /// `admin demote` commands); audited, with no actor.
    pub async fn set_platform_role(&self, email: &str, admin: bool) -> Result<User> {
        let role = if admin {
            platform_role::ADMIN
        } else {
            platform_role::USER
        };
        let email = email.trim().to_lowercase();
        let user_id = crate::users::find_user_id(&self.db, &email)
            .await?
            .ok_or(Error::NotFound("account with that address"))?;
        let mut tx = self.db.begin().await?;
        let before = crate::users::fetch_user(&mut tx, user_id).await?;
        sql::query("update users set platform_role = $2, updated_at = $3 where id = $1")
            .bind(user_id)
            .bind(role)
            .bind(now())
            .execute(&mut tx)
            .await?;
        audit::record_for_user(
            &mut tx,
            user_id,
            NewAuditEvent {
                tenant_id: None,
                actor_user_id: None,
                action: action::PLATFORM_ROLE_CHANGED,
                target_type: Some("user"),
                target_id: Some(user_id.to_string()),
                ip_address: None,
                details: json!({ "from": before.platform_role, "to": role, "by": "cli" }),
            },
        )
        .await?;
        let user = crate::users::fetch_user(&mut tx, user_id).await?;
        tx.commit().await?;
        Ok(user)
    }

    /// Sets the password of the person with address `email` (the `admin reset-password`
    /// command) and ends every session of theirs; answers the account and how many sessions
    /// ended. The account's failed sign-ins are forgotten.
    pub async fn reset_password(&self, email: &str, password: &str) -> Result<(User, u64)> {
        let email = email.trim().to_lowercase();
        let user_id = crate::users::find_user_id(&self.db, &email)
            .await?
            .ok_or(Error::NotFound("account with that address"))?;
        check_policy(&email, password).map_err(|m| Error::invalid("password", m))?;
        let hash = self.passwords.hash(password).await?;
        let now = now();
        let mut tx = self.db.begin().await?;
        sql::query("update users set password_hash = $2, updated_at = $3 where id = $1")
            .bind(user_id)
            .bind(&hash)
            .bind(now)
            .execute(&mut tx)
            .await?;
        let ended = sql::query(
            "update sessions set revoked_at = $2, revoked_reason = 'password_reset' \
             where user_id = $1 and revoked_at is null",
        )
        .bind(user_id)
        .bind(now)
        .execute(&mut tx)
        .await?
        .rows_affected();
        ratelimit::clear(&mut tx, &ratelimit::account_key(&email)).await?;
        audit::record_for_user(
            &mut tx,
            user_id,
            NewAuditEvent {
                tenant_id: None,
                actor_user_id: None,
                action: action::PASSWORD_RESET,
                target_type: Some("user"),
                target_id: Some(user_id.to_string()),
                ip_address: None,
                details: json!({ "sessionsEnded": ended, "by": "cli" }),
            },
        )
        .await?;
        let user = crate::users::fetch_user(&mut tx, user_id).await?;
        tx.commit().await?;
        Ok((user, ended))
    }

    /// Checks a new account's fields and hashes its password, before any transaction is open
    /// (hashing takes tens of milliseconds; SQLite's write lock must not wait on it).
    async fn prepare_account(
        &self,
        email: &str,
        password: &str,
        name: Option<&str>,
    ) -> Result<NewAccount> {
        let (email, name) = self.check_new_account(email, password, name)?;
        let password_hash = self.passwords.hash(password).await?;
        Ok(NewAccount {
            email,
            name,
            password_hash,
        })
    }

    /// Stores a prepared account with its personal tenant, welcome bonus and audit entry.
    async fn create_account(
        &self,
        tx: &mut Tx,
        account: &NewAccount,
        role: &'static str,
        client: &ClientInfo,
    ) -> Result<(User, Uuid)> {
        let now = now();
        let user = insert_user(
            tx,
            &account.email,
            account.name.as_deref(),
            &account.password_hash,
            role,
            now,
        )
        .await?;
        let tenant_id = tenants::create_personal(tx, &user, now).await?;
        // With verification on, the bonus waits for the address to be proved.
        if !self.settings.email_verification {
            self.grant_welcome_bonus(tx, tenant_id, user.id).await?;
        }
        audit::record(
            tx,
            NewAuditEvent {
                tenant_id: Some(tenant_id),
                actor_user_id: Some(user.id),
                action: action::REGISTER,
                target_type: Some("user"),
                target_id: Some(user.id.to_string()),
                ip_address: client.ip.as_deref(),
                details: json!({ "email": user.email, "platformRole": role }),
            },
        )
        .await?;
        Ok((user, tenant_id))
    }

    async fn grant_welcome_bonus(&self, tx: &mut Tx, tenant_id: Uuid, user_id: Uuid) -> Result<()> {
        let amount = self.settings.welcome_bonus_credits;
        if amount > 0 {
            let entry = crate::credits::NewEntry {
                tenant_id,
                amount,
                kind: crate::credits::EntryKind::Bonus,
                description: "Welcome bonus",
                reference: None,
                actor_user_id: Some(user_id),
            };
            crate::credits::apply(tx, &entry).await?;
        }
        Ok(())
    }

    fn check_new_account(
        &self,
        email: &str,
        password: &str,
        name: Option<&str>,
    ) -> Result<(Email, Option<String>)> {
        let mut fields = lumiku_plugin::FieldErrors::new();
        let raw_email = email.trim().to_lowercase();
        let email = Email::parse(email).map_err(|m| fields.insert("email".into(), vec![m.into()]));
        // The password is checked against the address as typed even when that is invalid, so
        // one answer reports every field at fault.
        let policy_email = email.as_ref().map_or(raw_email.as_str(), |e| e.as_str());
        if let Err(m) = check_policy(policy_email, password) {
            fields.insert("password".into(), vec![m.into()]);
        }
        let name = check_name(name).map_err(|e| {
            if let Error::Invalid(f) = e {
                fields.extend(f);
            }
        });
        match (email, name) {
            (Ok(email), Ok(name)) if fields.is_empty() => Ok((email, name)),
            _ => Err(Error::Invalid(fields)),
        }
    }

    /// Checks the email and password and opens a session. Wrong email and wrong password fail the
    /// same way and take the same time; repeated failures are refused per account and per IP.
    pub async fn login(&self, input: Login<'_>, client: &ClientInfo) -> Result<AuthSession> {
        let session = self.attempt_login(input, client).await;
        match &session {
            Ok(_) => crate::observe::login("success"),
            Err(Error::InvalidCredentials) => crate::observe::login("failure"),
            Err(Error::RateLimited(_)) => crate::observe::login("limited"),
            Err(_) => {}
        }
        session
    }

    async fn attempt_login(&self, input: Login<'_>, client: &ClientInfo) -> Result<AuthSession> {
        let limits = self.settings.login_limits;
        let now = now();
        // An address that cannot exist fails like a wrong password, counted under its raw form.
        let email = Email::parse(input.email)
            .map(Email::into_string)
            .unwrap_or_else(|_| input.email.trim().to_lowercase().replace('\0', "\u{fffd}"));
        let account_key = ratelimit::account_key(&email);
        let ip_key = client.ip.as_deref().map(ratelimit::ip_key);
        let mut counted = vec![ratelimit::Limit {
            key: &account_key,
            max: limits.per_account,
        }];
        if let Some(ip_key) = &ip_key {
            counted.push(ratelimit::Limit {
                key: ip_key,
                max: limits.per_ip,
            });
        }
        // Counted before the password is checked, so no more attempts are checked than allowed.
        let reservation = ratelimit::reserve(&self.db, &counted, limits.window, now).await?;

        #[derive(lumiku_plugin::sql::FromRow)]
        struct Row {
            id: Uuid,
            password_hash: String,
        }
        let row = sql::query_as::<Row>(
            "select id, password_hash from users where email = $1 and kind = 'person'",
        )
        .bind(&email)
        .fetch_optional(&self.db)
        .await?;
        let verified = self
            .passwords
            .verify(
                input.password,
                row.as_ref().map(|r| r.password_hash.as_str()),
            )
            .await;
        // Not checked (the server was busy): the attempt does not count.
        let verified = self.unless_unchecked(verified, reservation).await?;
        // A hash of older settings is made again now that the password is at hand (before the
        // transaction: hashing takes milliseconds). Busy: kept as it is until the next sign-in.
        let rehashed = match &row {
            Some(row) if verified.0 && self.passwords.outdated(&row.password_hash) => {
                self.passwords.hash(input.password).await.ok()
            }
            _ => None,
        };

        let known_id = row.as_ref().map(|r| r.id);
        let mut tx = self.db.begin().await?;
        let (verified, reservation) = verified;
        let Some(row) = row.filter(|_| verified) else {
            // The reservation stays: it is this failure's count.
            let failure = LoginFailure {
                user_id: known_id,
                email: &email,
                ip: client.ip.as_deref(),
            };
            record_login_failure(&mut tx, &failure).await?;
            tx.commit().await?;
            return Err(Error::InvalidCredentials);
        };

        ratelimit::release(&mut tx, reservation).await?;
        ratelimit::clear(&mut tx, &account_key).await?;
        if let Some(rehashed) = rehashed {
            // Only over the hash that was checked: a password changed meanwhile stays changed.
            sql::query("update users set password_hash = $1 where id = $2 and password_hash = $3")
                .bind(rehashed)
                .bind(row.id)
                .bind(&row.password_hash)
                .execute(&mut tx)
                .await?;
        }
        let user = fetch_user(&mut tx, row.id).await?;
        let tokens = self
            .open_session(
                &mut tx,
                &user,
                input.device_id,
                input.device_name,
                client,
                now,
            )
            .await?;
        let tenant_id = crate::users::personal_tenant_id(&mut tx, user.id).await?;
        audit::record(
            &mut tx,
            NewAuditEvent {
                tenant_id: Some(tenant_id),
                actor_user_id: Some(user.id),
                action: action::LOGIN,
                target_type: Some("session"),
                target_id: Some(tokens.session_id.to_string()),
                ip_address: client.ip.as_deref(),
                details: json!({}),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(AuthSession {
            user,
            tokens,
            personal_tenant_id: tenant_id,
        })
    }

    /// The check's answer with its reservation; when the check did not happen (an error: the
    /// server too busy to hash), the reservation is given back and the error returned.
    async fn unless_unchecked<T>(
        &self,
        checked: Result<T>,
        reservation: ratelimit::Reservation,
    ) -> Result<(T, ratelimit::Reservation)> {
        match checked {
            Ok(answer) => Ok((answer, reservation)),
            Err(error) => {
                let mut tx = self.db.begin().await?;
                ratelimit::release(&mut tx, reservation).await?;
                tx.commit().await?;
                Err(error)
            }
        }
    }

    /// A link token for `user`'s address (mail it; [`Kernel::verify_email`] takes it back).
    pub fn email_verification_token(&self, user: &User) -> Result<String> {
        self.tokens
            .issue_email_verification(user.id, &user.email, now())
    }

    /// The caller's account, to mail its verification link again: refused when the address is
    /// already proved or verification is off, and limited to 5 links an hour.
    pub async fn resend_email_verification(&self, caller: &Caller) -> Result<User> {
        if !self.settings.email_verification {
            return Err(Error::Conflict {
                code: "verification_off",
                message: "This server does not verify e-mail addresses",
            });
        }
        let user = self.me(caller).await?;
        if user.email_verified_at.is_some() {
            return Err(Error::Conflict {
                code: "already_verified",
                message: "This address is already confirmed",
            });
        }
        let key = format!("verify-mail:{}", user.id);
        let limit = ratelimit::Limit { key: &key, max: 5 };
        let _counted = ratelimit::reserve(
            &self.db,
            &[limit],
            std::time::Duration::from_secs(3600),
            now(),
        )
        .await?;
        Ok(user)
    }

    /// Marks the address of the token's account proved, and, the first time, grants the welcome
    /// bonus it was waiting for. A token for an address the account no longer has, or an expired
    /// or forged one, is an invalid token; following a link twice changes nothing.
    pub async fn verify_email(&self, token: &str, client: &ClientInfo) -> Result<User> {
        let (user_id, email) = self.tokens.verify_email_token(token)?;
        let now = now();
        let mut tx = self.db.begin().await?;
        let proved = sql::query(
            "update users set email_verified_at = $3 \
             where id = $1 and email = $2 and email_verified_at is null",
        )
        .bind(user_id)
        .bind(&email)
        .bind(now)
        .execute(&mut tx)
        .await?
        .rows_affected();
        let user = fetch_user(&mut tx, user_id).await?;
        if user.email != email {
            return Err(Error::InvalidToken);
        }
        if proved == 1 {
            let tenant_id = crate::users::personal_tenant_id(&mut tx, user_id).await?;
            if self.settings.email_verification {
                self.grant_welcome_bonus(&mut tx, tenant_id, user_id)
                    .await?;
            }
            audit::record(
                &mut tx,
                NewAuditEvent {
                    tenant_id: Some(tenant_id),
                    actor_user_id: Some(user_id),
                    action: action::EMAIL_VERIFIED,
                    target_type: Some("user"),
                    target_id: Some(user_id.to_string()),
                    ip_address: client.ip.as_deref(),
                    details: json!({ "email": email }),
                },
            )
            .await?;
        }
        tx.commit().await?;
        Ok(user)
    }

    async fn open_session(
        &self,
        tx: &mut Tx,
        user: &User,
        client_device_id: Option<&str>,
        device_name: Option<&str>,
        client: &ClientInfo,
        now: DateTime<Utc>,
    ) -> Result<TokenPair> {
        let device_id =
            devices::upsert(tx, user.id, client_device_id, device_name, client, now).await?;
        let session_id = new_id();
        let expires_at = now + self.settings.refresh_token_ttl;
        sql::query(
            "insert into sessions (id, user_id, device_id, created_at, last_used_at, expires_at) \
             values ($1, $2, $3, $4, $4, $5)",
        )
        .bind(session_id)
        .bind(user.id)
        .bind(device_id)
        .bind(now)
        .bind(expires_at)
        .execute(&mut *tx)
        .await
        .map(|r| r.rows_affected())?;
        self.issue_tokens(tx, session_id, user.id, &user.platform_role, now)
            .await
    }

    async fn issue_tokens(
        &self,
        tx: &mut Tx,
        session_id: Uuid,
        user_id: Uuid,
        role: &str,
        now: DateTime<Utc>,
    ) -> Result<TokenPair> {
        let (refresh_token, refresh_hash) = new_refresh_token()?;
        let expires_at = now + self.settings.refresh_token_ttl;
        sql::query(
            "insert into refresh_tokens (token_hash, session_id, created_at, expires_at) values ($1, $2, $3, $4)")
            .bind(&refresh_hash)
            .bind(session_id)
            .bind(now)
            .bind(expires_at)
            .execute(&mut *tx)
            .await.map(|r| r.rows_affected())?;
        let (access_token, access_expires_at) =
            self.tokens.issue_access(user_id, session_id, role, now)?;
        Ok(TokenPair {
            access_token,
            token_type: "Bearer",
            expires_in: self.tokens.access_ttl().as_secs(),
            access_token_expires_at: access_expires_at,
            refresh_token,
            session_id,
        })
    }

    /// Spends `refresh_token` and issues the next pair of its session. A spent token presented
    /// again revokes the session ([`Error::RefreshTokenReused`]).
    pub async fn refresh(&self, refresh_token: &str, client: &ClientInfo) -> Result<TokenPair> {
        let hash = hash_refresh_token(refresh_token);
        let now = now();
        let mut tx = self.db.begin().await?;
        let spent: Option<Uuid> = sql::query_scalar(
            "update refresh_tokens set used_at = $2 \
             where token_hash = $1 and used_at is null and expires_at > $2 returning session_id",
        )
        .bind(&hash)
        .bind(now)
        .fetch_optional(&mut tx)
        .await?;

        let Some(session_id) = spent else {
            #[derive(lumiku_plugin::sql::FromRow)]
            struct Spent {
                session_id: Uuid,
                used_at: Option<DateTime<Utc>>,
            }
            let known = sql::query_as::<Spent>(
                "select session_id, used_at from refresh_tokens where token_hash = $1",
            )
            .bind(&hash)
            .fetch_optional(&mut tx)
            .await?;
            let Some(Spent {
                session_id,
                used_at: Some(_),
            }) = known
            else {
                return Err(Error::InvalidToken);
            };
            let user_id: Option<Uuid> = sql::query_scalar(
                "update sessions set revoked_at = $2, revoked_reason = 'refresh_token_reused' \
                 where id = $1 and revoked_at is null returning user_id",
            )
            .bind(session_id)
            .bind(now)
            .fetch_optional(&mut tx)
            .await?;
            if let Some(user_id) = user_id {
                audit::record_for_user(
                    &mut tx,
                    user_id,
                    NewAuditEvent {
                        tenant_id: None,
                        actor_user_id: Some(user_id),
                        action: action::REFRESH_REUSED,
                        target_type: Some("session"),
                        target_id: Some(session_id.to_string()),
                        ip_address: client.ip.as_deref(),
                        details: json!({}),
                    },
                )
                .await?;
            }
            tx.commit().await?;
            return Err(Error::RefreshTokenReused);
        };

        let user_id: Option<Uuid> = sql::query_scalar(
            "update sessions set last_used_at = $2, expires_at = $3 \
             where id = $1 and revoked_at is null and expires_at > $2 returning user_id",
        )
        .bind(session_id)
        .bind(now)
        .bind(now + self.settings.refresh_token_ttl)
        .fetch_optional(&mut tx)
        .await?;
        let Some(user_id) = user_id else {
            return Err(Error::InvalidToken);
        };
        let user = fetch_user(&mut tx, user_id).await?;
        let tokens = self
            .issue_tokens(&mut tx, session_id, user.id, &user.platform_role, now)
            .await?;
        tx.commit().await?;
        Ok(tokens)
    }

    /// The caller behind an access token, if the token is well-signed, unexpired, and its session
    /// is still live.
    pub async fn authenticate(&self, access_token: &str) -> Result<Caller> {
        let claims = self.tokens.verify_access(access_token)?;
        let role: Option<String> = sql::query_scalar(
            "select u.platform_role from sessions s join users u on u.id = s.user_id \
             where s.id = $1 and s.user_id = $2 and s.revoked_at is null and s.expires_at > $3",
        )
        .bind(claims.sid)
        .bind(claims.sub)
        .bind(now())
        .fetch_optional(&self.db)
        .await?;
        let platform_role = role.ok_or(Error::InvalidToken)?;
        Ok(Caller {
            user_id: claims.sub,
            session_id: claims.sid,
            platform_role,
            expires_at: DateTime::from_timestamp(claims.exp, 0).unwrap_or_default(),
        })
    }

    /// The caller of a live session `session_id` of `user_id` (401 once it has ended).
    pub async fn authenticate_session(&self, session_id: Uuid, user_id: Uuid) -> Result<Caller> {
        let row: Option<(String, DateTime<Utc>)> = sql::query_as(
            "select u.platform_role, s.expires_at from sessions s join users u on u.id = s.user_id \
             where s.id = $1 and s.user_id = $2 and s.revoked_at is null and s.expires_at > $3",
        )
        .bind(session_id)
        .bind(user_id)
        .bind(now())
        .fetch_optional(&self.db)
        .await?;
        let (platform_role, expires_at) = row.ok_or(Error::InvalidToken)?;
        Ok(Caller {
            user_id,
            session_id,
            platform_role,
            expires_at,
        })
    }

    /// A realtime ticket: the caller's right to open one realtime connection to `tenant_id`
    /// within a minute (checked as a member now, and again when it is used). Answers the ticket
    /// and when it expires.
    pub async fn realtime_ticket(
        &self,
        caller: &Caller,
        tenant_id: Uuid,
    ) -> Result<(String, DateTime<Utc>)> {
        self.tenant_access(caller, tenant_id).await?;
        let expires_at = now() + chrono::Duration::seconds(60);
        let ticket =
            self.tokens
                .issue_ticket(caller.user_id, caller.session_id, tenant_id, expires_at)?;
        Ok((ticket, expires_at))
    }

    /// The caller and tenant of a realtime ticket whose session is still live.
    pub async fn redeem_ticket(&self, ticket: &str) -> Result<(Caller, Uuid)> {
        let (user_id, session_id, tenant_id) = self.tokens.verify_ticket(ticket)?;
        let caller = self.authenticate_session(session_id, user_id).await?;
        Ok((caller, tenant_id))
    }

    /// Ends the caller's session.
    pub async fn logout(&self, caller: &Caller, client: &ClientInfo) -> Result<()> {
        let mut tx = self.db.begin().await?;
        revoke_session(&mut tx, caller.session_id, "logout", now()).await?;
        audit::record_for_user(
            &mut tx,
            caller.user_id,
            NewAuditEvent {
                tenant_id: None,
                actor_user_id: Some(caller.user_id),
                action: action::LOGOUT,
                target_type: Some("session"),
                target_id: Some(caller.session_id.to_string()),
                ip_address: client.ip.as_deref(),
                details: json!({}),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The caller's account.
    pub async fn me(&self, caller: &Caller) -> Result<User> {
        let sql = format!("select {USER_COLUMNS} from users where id = $1");
        let user = sql::query_as::<User>(sql::AssertSqlSafe(sql))
            .bind(caller.user_id)
            .fetch_optional(&self.db)
            .await?;
        user.ok_or(Error::NotFound("user"))
    }

    /// Changes the caller's display name (`None` or blank clears it).
    pub async fn update_profile(&self, caller: &Caller, name: Option<&str>) -> Result<User> {
        let name = check_name(name)?;
        let mut tx = self.db.begin().await?;
        sql::query("update users set name = $2, updated_at = $3 where id = $1")
            .bind(caller.user_id)
            .bind(name)
            .bind(now())
            .execute(&mut tx)
            .await
            .map(|r| r.rows_affected())?;
        let user = fetch_user(&mut tx, caller.user_id).await?;
        tx.commit().await?;
        Ok(user)
    }

    /// Changes the caller's password after checking the current one, and ends every other session.
    pub async fn change_password(
        &self,
        caller: &Caller,
        current: &str,
        new: &str,
        client: &ClientInfo,
    ) -> Result<()> {
        let user = self.me(caller).await?;
        let limits = self.settings.login_limits;
        let now = now();
        check_policy(&user.email, new).map_err(|m| Error::invalid("newPassword", m))?;
        let key = ratelimit::reauth_key(caller.user_id);
        let limit = ratelimit::Limit {
            key: &key,
            max: limits.per_account,
        };
        // A wrong current password counts like a failed sign-in, before it is checked.
        let reservation = ratelimit::reserve(&self.db, &[limit], limits.window, now).await?;
        let hash: String = sql::query_scalar("select password_hash from users where id = $1")
            .bind(caller.user_id)
            .fetch_one(&self.db)
            .await?;
        let verified = self.passwords.verify(current, Some(&hash)).await;
        let (verified, reservation) = self.unless_unchecked(verified, reservation).await?;
        if !verified {
            return Err(Error::invalid(
                "currentPassword",
                "is not your current password",
            ));
        }
        let new_hash = self.passwords.hash(new).await?;

        let mut tx = self.db.begin().await?;
        ratelimit::release(&mut tx, reservation).await?;
        ratelimit::clear(&mut tx, &key).await?;
        sql::query("update users set password_hash = $2, updated_at = $3 where id = $1")
            .bind(caller.user_id)
            .bind(&new_hash)
            .bind(now)
            .execute(&mut tx)
            .await
            .map(|r| r.rows_affected())?;
        let ended = sql::query(
            "update sessions set revoked_at = $3, revoked_reason = 'password_changed' \
             where user_id = $1 and id <> $2 and revoked_at is null",
        )
        .bind(caller.user_id)
        .bind(caller.session_id)
        .bind(now)
        .execute(&mut tx)
        .await
        .map(|r| r.rows_affected())?;
        audit::record_for_user(
            &mut tx,
            caller.user_id,
            NewAuditEvent {
                tenant_id: None,
                actor_user_id: Some(caller.user_id),
                action: action::PASSWORD_CHANGED,
                target_type: Some("user"),
                target_id: Some(caller.user_id.to_string()),
                ip_address: client.ip.as_deref(),
                details: json!({ "sessionsEnded": ended }),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
/// A refused sign-in: whom it named, from where.
struct LoginFailure<'a> {
    user_id: Option<Uuid>,
    email: &'a str,
    ip: Option<&'a str>,
}

/// Audits a refused sign-in (in the account's personal tenant's log when the address names an
/// account); its reservation already counted it against the limits.
async fn record_login_failure(tx: &mut Tx, failure: &LoginFailure<'_>) -> Result<()> {
    let known = match failure.user_id {
        Some(id) => Some((id, crate::users::personal_tenant_id(tx, id).await?)),
        None => None,
    };
    let event = NewAuditEvent {
        tenant_id: known.map(|(_, t)| t),
        actor_user_id: None,
        action: action::LOGIN_FAILED,
        target_type: known.map(|_| "user"),
        target_id: known.map(|(id, _)| id.to_string()),
        ip_address: failure.ip,
        details: json!({ "email": failure.email }),
    };
    audit::record(tx, event).await
}
