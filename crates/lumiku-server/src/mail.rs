//! Mail the platform sends, through the SMTP server of `smtp_url`: the link that proves a new
//! account's address, and what apps send ([`lumiku_plugin::mail`]). The platform's own mail goes
//! in the background of the request that asked for it; a failure is logged and the user can ask
//! for the link again.

use std::sync::Arc;

use anyhow::Context as _;
use axum::http::StatusCode;
use lettre::message::header::ContentType;
use lettre::message::{Mailbox, MultiPart, SinglePart};
use lettre::{AsyncSmtpTransport, AsyncTransport as _, Message, Tokio1Executor};
use lumiku_kernel::users::User;
use lumiku_plugin::ApiError;
use lumiku_plugin::context::BoxFuture;
use lumiku_plugin::mail::{Mail, Transport};

use crate::AppState;
use crate::config::Config;

/// The SMTP transport and what every mail says it is from.
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
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
        Ok(Some(Arc::new(Self { transport, from })))
    }

    fn message(&self, mail: Mail) -> Result<Message, ApiError> {
        let to: Mailbox = mail.to.parse().map_err(|_| {
            ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_recipient",
                format!("'{}' is not an e-mail address", mail.to),
            )
        })?;
        let mut builder = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(mail.subject);
        if let Some(reply_to) = mail.reply_to.as_deref().and_then(|r| r.parse().ok()) {
            builder = builder.reply_to(reply_to);
        }
        let built = if mail.attachments.is_empty() {
            builder.body(mail.text)
        } else {
            let mut parts = MultiPart::mixed().singlepart(SinglePart::plain(mail.text));
            for attachment in mail.attachments {
                let content_type = ContentType::parse(&attachment.content_type)
                    .unwrap_or(ContentType::parse("application/octet-stream").expect("a type"));
                parts = parts.singlepart(
                    lettre::message::Attachment::new(attachment.filename)
                        .body(attachment.bytes, content_type),
                );
            }
            builder.multipart(parts)
        };
        built.map_err(|error| {
            ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_mail",
                format!("The mail could not be built: {error}"),
            )
        })
    }
}

impl Transport for Mailer {
    fn send(&self, mail: Mail) -> BoxFuture<'static, Result<(), ApiError>> {
        let message = self.message(mail);
        let transport = self.transport.clone();
        Box::pin(async move {
            transport.send(message?).await.map_err(|error| {
                ApiError::new(
                    StatusCode::BAD_GATEWAY,
                    "mail_failed",
                    format!("The mail server did not take the mail: {error}"),
                )
            })?;
            Ok(())
        })
    }
}

/// The link proving `user`'s address, as a mail.
fn verification_mail(public_url: &str, user: &User, token: &str) -> Mail {
    let link = format!("{public_url}/verify-email?token={token}");
    let greeting = user.name.as_deref().unwrap_or("there");
    let text = format!(
        "Hello {greeting},\n\nPlease confirm that {email} is your address by opening this link \
         within two days:\n\n{link}\n\nYour welcome credits are added once you do.\n\nIf you did \
         not sign up for Lumiku, ignore this mail.\n",
        email = user.email,
    );
    Mail {
        to: user.email.clone(),
        reply_to: None,
        subject: "Confirm your e-mail address for Lumiku".into(),
        text,
        attachments: Vec::new(),
    }
}

/// Mails `user` their verification link in the background, when mail is configured.
pub fn send_verification_later(state: &AppState, user: &User) {
    let Some(mailer) = state.kernel.settings().mail.clone() else {
        return;
    };
    let token = match state.kernel.email_verification_token(user) {
        Ok(token) => token,
        Err(error) => {
            tracing::error!(%error, "signing a verification link");
            return;
        }
    };
    let mail = verification_mail(&state.config.public_url(), user, &token);
    let user = user.id;
    tokio::spawn(async move {
        if let Err(error) = mailer.send(mail).await {
            tracing::warn!(%error, %user, "verification mail not sent");
        }
    });
}
