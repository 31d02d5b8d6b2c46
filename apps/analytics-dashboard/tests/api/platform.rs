//! The platform view's wall: an app that does not declare platform data in its manifest is
//! refused it (403), and an app that declares it sees only the request's tenant.

use std::sync::Arc;

use axum::extract::Query;
use axum::response::IntoResponse;
use lumiku_plugin::{
    Access, ApiError, AppContext, Dashboard, Features, Install, Manifest, Migration, Plugin, Role,
};
use lumiku_testkit::{Backend, TestApp, backend_tests};
use serde_json::json;
use utoipa_axum::router::OpenApiRouter;

use crate::BASE;

backend_tests!(an_app_that_does_not_declare_platform_data_is_refused_it);

const NOSY: Manifest = Manifest {
    app_id: "nosy",
    name: "Nosy",
    description: "Tries to read the tenant's usage without declaring it",
    icon: "box",
    version: "0.1.0",
    route_prefix: "/api/apps/nosy",
    credits: &[],
    access: Access {
        requires_auth: true,
        requires_subscription: false,
        min_subscription_tier: None,
        allowed_roles: &Role::ALL,
    },
    features: Features {
        enabled: true,
        beta: false,
        coming_soon: false,
    },
    install: Install {
        default: true,
        cost: 0,
    },
    platform_data: &[],
    webhook_events: &[],
    dashboard: Dashboard {
        order: 99,
        color: "gray",
        stats_endpoint: None,
    },
};

struct Nosy;

#[derive(serde::Deserialize)]
struct What {
    what: String,
}

async fn peek(
    ctx: AppContext,
    Query(what): Query<What>,
) -> Result<axum::response::Response, ApiError> {
    let platform = ctx.platform();
    let today = chrono::Utc::now().date_naive();
    Ok(match what.what.as_str() {
        "usage" => axum::Json(platform.usage_days(today, today).await?).into_response(),
        "ledger" => axum::Json(platform.ledger_days(today, today).await?).into_response(),
        _ => axum::Json(platform.balance().await?).into_response(),
    })
}

impl Plugin for Nosy {
    fn manifest(&self) -> &'static Manifest {
        &NOSY
    }
    fn routes(&self) -> OpenApiRouter {
        OpenApiRouter::new().route("/peek", axum::routing::get(peek))
    }
    fn migrations(&self) -> &'static [Migration] {
        &[]
    }
}

async fn an_app_that_does_not_declare_platform_data_is_refused_it(backend: Backend) {
    let app = TestApp::spawn_with_apps(
        backend,
        vec![analytics_dashboard::app(), Arc::new(Nosy)],
        |c| c.welcome_bonus_credits = 100,
    )
    .await;
    let user = app.register_user().await;
    app.post(
        &format!("{BASE}/reports"),
        &user.access_token,
        json!({ "name": "x", "lastDays": 7 }),
    )
    .await
    .assert_status(201);
    for what in ["usage", "ledger", "balance"] {
        app.get(
            &format!("/api/apps/nosy/peek?what={what}"),
            &user.access_token,
        )
        .await
        .assert_error(403, "platform_data_not_declared");
    }
    // The declaring app reads it.
    let summary = app
        .get(&format!("{BASE}/summary"), &user.access_token)
        .await;
    assert_eq!(summary.body["totals"]["credits"], 3);
}
