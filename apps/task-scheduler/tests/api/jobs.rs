//! The platform's jobs under the app: each due time runs once with two servers on one database,
//! a job whose worker died runs again after its lease (and the dead worker can no longer write
//! about it), and a job marked done is never claimed again.

use std::time::{Duration, Instant};

use lumiku_plugin::jobs::Outcome;
use lumiku_testkit::{Backend, TestApp, TestUser, backend_tests};
use serde_json::json;

use crate::BASE;

backend_tests!(
    forty_tasks_due_together_run_once_each_across_two_servers,
    a_job_whose_worker_died_runs_again_after_its_lease_and_only_once,
    a_unique_key_holds_one_live_job_per_tenant,
);

async fn spawn(backend: Backend, bonus: i64) -> TestApp {
    TestApp::spawn_with_apps(backend, vec![task_scheduler::app()], |c| {
        c.welcome_bonus_credits = bonus;
    })
    .await
}

async fn reminder(
    app: &TestApp,
    user: &TestUser,
    name: &str,
    at: chrono::DateTime<chrono::Utc>,
) -> String {
    let body = json!({
        "name": name,
        "schedule": { "type": "once", "at": at.to_rfc3339() },
        "action": { "type": "reminder", "message": name, "recipients": [user.id] },
    });
    let created = app
        .post(&format!("{BASE}/tasks"), &user.access_token, body)
        .await;
    created.assert_status(201);
    created.body["task"]["id"].as_str().unwrap().to_owned()
}

async fn unread(app: &TestApp, user: &TestUser) -> i64 {
    app.get(&format!("{BASE}/notifications"), &user.access_token)
        .await
        .body["unread"]
        .as_i64()
        .unwrap()
}

async fn forty_tasks_due_together_run_once_each_across_two_servers(backend: Backend) {
    let app = spawn(backend, 200).await;
    let other = app.spawn_sibling(vec![task_scheduler::app()]).await;
    let user = app.register_user().await;
    let due = chrono::Utc::now() + chrono::Duration::seconds(3);
    let mut tasks = Vec::new();
    for i in 0..40 {
        tasks.push(reminder(&app, &user, &format!("Reminder {i}"), due).await);
    }
    let deadline = Instant::now() + Duration::from_secs(30);
    while unread(&app, &user).await < 40 {
        assert!(Instant::now() < deadline, "not every task ran");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    // Give a duplicate the time to show up, if there were one.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(unread(&app, &user).await, 40, "each reminder exactly once");
    for task in &tasks {
        let runs = other
            .get(&format!("{BASE}/tasks/{task}/runs"), &user.access_token)
            .await;
        assert_eq!(runs.body["items"].as_array().unwrap().len(), 1, "{task}");
    }
    let counts = app.kernel.job_counts("task-scheduler").await.unwrap();
    assert_eq!(counts, vec![("done".to_owned(), 40)]);
    // 40 creations at 2 and 40 runs at 1.
    let wallet = app.wallet(user.personal_tenant_id).await;
    assert_eq!(wallet.balance, 200 - 40 * 2 - 40);
    wallet.assert_consistent();
    drop(other);
}

async fn a_job_whose_worker_died_runs_again_after_its_lease_and_only_once(backend: Backend) {
    let app = spawn(backend, 100).await;
    let user = app.register_user().await;
    let due = chrono::Utc::now() + chrono::Duration::seconds(60);
    let task = reminder(&app, &user, "Survives a crash", due).await;
    // A worker that will die: it claims the job as if it were a minute later...
    let later = lumiku_kernel::db::now() + chrono::Duration::seconds(61);
    let dead = app
        .kernel
        .claim_jobs("doomed-node", 10, later)
        .await
        .unwrap();
    assert_eq!(dead.len(), 1);
    assert_eq!(dead[0].job.attempt, 1);
    // ...and is never heard of again. While its lease holds, nobody else runs the job.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(unread(&app, &user).await, 0);
    // The lease lapses: a live worker takes the job over and runs it, as attempt 2.
    app.execute_sql("update jobs set lease_until_ms = 0 where status = 'running'")
        .await;
    app.kernel.jobs_changed();
    let deadline = Instant::now() + Duration::from_secs(20);
    while unread(&app, &user).await < 1 {
        assert!(Instant::now() < deadline, "the job was not taken over");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let runs = app
        .get(&format!("{BASE}/tasks/{task}/runs"), &user.access_token)
        .await;
    assert_eq!(runs.body["items"][0]["attempt"], 2);
    // The dead worker, back from the dead, cannot write about the job any more.
    let claim = &dead[0].job.claim;
    let late = app
        .kernel
        .settle_job(dead[0].tenant_id, claim, &Outcome::Succeeded)
        .await;
    assert!(
        matches!(
            &late,
            Err(lumiku_kernel::Error::Conflict {
                code: "lease_lost",
                ..
            })
        ),
        "{late:?}"
    );
    // Done is done: nothing is ever claimed for it again.
    let far = lumiku_kernel::db::now() + chrono::Duration::days(3650);
    assert!(
        app.kernel
            .claim_jobs("another", 10, far)
            .await
            .unwrap()
            .is_empty()
    );
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(unread(&app, &user).await, 1, "it ran once");
    let wallet = app.wallet(user.personal_tenant_id).await;
    assert_eq!(wallet.balance, 100 - 2 - 1, "one run, one charge");
    wallet.assert_consistent();
}

async fn a_unique_key_holds_one_live_job_per_tenant(backend: Backend) {
    use lumiku_kernel::jobs::{JobOwner, cancel, enqueue};
    use lumiku_plugin::jobs::{NewJob, Schedule};

    let app = spawn(backend, 100).await;
    let ana = app.register_user().await;
    let budi = app.register_user().await;
    let job = NewJob::new(
        "task",
        Schedule::At(lumiku_kernel::db::now() + chrono::Duration::days(1)),
    )
    .unique_key("task:one");
    let queue = |tenant: uuid::Uuid, user: uuid::Uuid| {
        let app = &app;
        let job = &job;
        async move {
            let mut tx = app.kernel.db().begin_tenant(tenant).await.unwrap();
            let owner = JobOwner {
                app_id: "task-scheduler",
                tenant_id: Some(tenant),
                user_id: Some(user),
            };
            let id = enqueue(&mut tx, owner, job, lumiku_kernel::db::now())
                .await
                .unwrap();
            tx.commit().await.unwrap();
            id
        }
    };
    let first = queue(ana.personal_tenant_id, ana.id).await;
    assert_eq!(
        queue(ana.personal_tenant_id, ana.id).await,
        first,
        "the same job answers"
    );
    let other = queue(budi.personal_tenant_id, budi.id).await;
    assert_ne!(other, first, "the key is the tenant's own");
    let mut tx = app
        .kernel
        .db()
        .begin_tenant(ana.personal_tenant_id)
        .await
        .unwrap();
    let canceled = cancel(
        &mut tx,
        "task-scheduler",
        "task:one",
        lumiku_kernel::db::now(),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(canceled, 1, "only Ana's");
    let again = queue(ana.personal_tenant_id, ana.id).await;
    assert_ne!(again, first, "a canceled job gives its key back");
    let counts = app.kernel.job_counts("task-scheduler").await.unwrap();
    assert_eq!(
        counts,
        vec![("canceled".to_owned(), 1), ("queued".to_owned(), 2)]
    );
}
