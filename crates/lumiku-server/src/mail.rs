//! Mail the platform sends: the link that proves a new account's address. Sent through the SMTP
//! server of `smtp_url`, in the background of the request that asked for it; a failure is logged
//! and the user can ask for the link again.

use std::sync::Arc;

use anyhow::Context as _;
use lettre::message::Mailbox;
use lettre::{AsyncSmtpTransport, AsyncTransport as _, Message, Tokio1Executor};
use lumiku_kernel::users::User;

use crate::AppState;
use crate::config::Config;

/// The SMTP transport and what every mail says it is from.
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    public_url: String,
}

impl Mailer {
    /// The mailer `config` describes, if it names an SMTP server.
    pub fn from_config(config: &Config) -> anyhow::Result<Option<Arc<Self>>> {
        let Some(url) = &config.smtp_url else {
            return Ok(None);
        };
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url.expose())
            .context("smtp_url is not a valid SMTP URL")?
            .build();
        let from = config
            .mail_from
            .parse()
            .with_context(|| format!("mail_from '{}' is not a mailbox", config.mail_from))?;
        Ok(Some(Arc::new(Self {
            transport,
            from,
            public_url: config.public_url(),
        })))
    }

    /// Mails `user` the link proving their address.
    pub async fn send_verification(&self, user: &User, token: &str) -> anyhow::Result<()> {
        let link = format!("{}/verify-email?token={token}", self.public_url);
        let greeting = user.name.as_deref().unwrap_or("there");
        let body = format!(
            "Hello {greeting},\n\nPlease confirm that {email} is your address by opening this link \
             within two days:\n\n{link}\n\nYour welcome credits are added once you do.\n\nIf you \
             did not sign up for Lumiku, ignore this mail.\n",
            email = user.email,
        );
        let to: Mailbox = user
            .email
            .parse()
            .with_context(|| format!("'{}' is not a mailbox", user.email))?;
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject("Confirm your e-mail address for Lumiku")
            .body(body)
            .context("building the verification mail")?;
        self.transport
            .send(message)
            .await
            .context("sending the verification mail")?;
        Ok(())
    }
}

/// Mails `user` their verification link in the background, when mail is configured.
pub fn send_verification_later(state: &AppState, user: &User) {
    let Some(mailer) = state.mailer.clone() else {
        return;
    };
    let token = match state.kernel.email_verification_token(user) {
        Ok(token) => token,
        Err(error) => {
            tracing::error!(%error, "signing a verification link");
            return;
        }
    };
    let user = user.clone();
    tokio::spawn(async move {
        if let Err(error) = mailer.send_verification(&user, &token).await {
            tracing::warn!(error = format!("{error:#}"), user = %user.id, "verification mail not sent");
        }
    });
}
