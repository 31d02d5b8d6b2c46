//! The engine on both backends: the query API, the migration runner, and on SQLite the writer's
//! group commit (write transactions are savepoints in a shared batch that commits once) and its
//! WAL upkeep. Each test gets a scratch database of its own: an SQLite file, or a new PostgreSQL
//! database on the server named by `LUMIKU_TEST_POSTGRES_URL`.

mod scratch;

use std::collections::BTreeSet;
use std::time::Duration;

use chrono::{DateTime, SubsecRound, Utc};
use lumiku_store::sql::{self, Error};
use lumiku_store::{Db, Migration, MigrationSet, Owner, Tx, Wall, is_unique_violation};
use scratch::{Backend, Scratch};
use serde_json::{Value, json};
use uuid::Uuid;

backend_tests!(
    parameters_bind_by_their_number,
    values_read_back_as_written,
    a_duplicate_key_is_a_unique_violation,
    concurrent_writers_keep_exactly_the_committed_work,
    a_commit_dropped_while_waiting_leaves_the_database_writable,
    migrations_apply_once_and_refuse_a_changed_or_newer_history,
    nodes_migrating_together_apply_each_migration_once,
);

/// A scratch table, the same on both backends (SQLite takes the type names as affinities).
async fn probe_table(db: &Db) {
    let mut tx = db.begin().await.unwrap();
    sql::raw_sql(
        "create table storage_probe (id uuid primary key, n bigint not null, label text, \
         flag boolean, at timestamptz, doc jsonb)",
    )
    .execute(&mut tx)
    .await
    .unwrap();
    tx.commit().await.unwrap();
}

async fn probe_keys(db: &Db) -> BTreeSet<i64> {
    sql::query_scalar::<i64>("select n from storage_probe")
        .fetch_all(db)
        .await
        .unwrap()
        .into_iter()
        .collect()
}

/// Inserts the row `(id, n)` on `tx`.
async fn insert_row(tx: &mut Tx, id: Uuid, n: i64) -> Result<(), Error> {
    sql::query("insert into storage_probe (id, n) values ($1, $2)")
        .bind(id)
        .bind(n)
        .execute(tx)
        .await
        .map(drop)
}

/// Inserts a row numbered `n` in a transaction of its own.
async fn insert_probe(db: &Db, n: i64) -> Result<(), Error> {
    let mut tx = db.begin().await?;
    insert_row(&mut tx, Uuid::now_v7(), n).await?;
    tx.commit().await
}

async fn parameters_bind_by_their_number(backend: Backend) {
    let scratch = Scratch::new(backend).await;
    let (second, first, again): (String, i64, String) =
        sql::query_as("select cast($2 as text), cast($1 as bigint), cast($2 as text)")
            .bind(7_i64)
            .bind("two")
            .fetch_one(scratch.db())
            .await
            .unwrap();
    assert_eq!((second.as_str(), first, again.as_str()), ("two", 7, "two"));
}

async fn values_read_back_as_written(backend: Backend) {
    let scratch = Scratch::new(backend).await;
    let db = scratch.db();
    probe_table(db).await;
    let id = Uuid::now_v7();
    let at: DateTime<Utc> = Utc::now().trunc_subsecs(6);
    let doc = json!({ "a": [1, 2, { "b": null }], "é": "ü" });
    let mut tx = db.begin().await.unwrap();
    sql::query(
        "insert into storage_probe (id, n, label, flag, at, doc) values ($1, $2, $3, $4, $5, $6)",
    )
    .bind(id)
    .bind(i64::MIN)
    .bind(None::<String>)
    .bind(true)
    .bind(at)
    .bind(sql::Json(&doc))
    .execute(&mut tx)
    .await
    .unwrap();
    tx.commit().await.unwrap();

    type Probe = (Uuid, i64, Option<String>, bool, DateTime<Utc>, Value);
    let row: Probe = sql::query_as(
        "select id, n, label, flag, at, doc from storage_probe where id = $1 and at = $2",
    )
    .bind(id)
    .bind(at)
    .fetch_one(db)
    .await
    .unwrap();
    assert_eq!(row, (id, i64::MIN, None, true, at, doc));
}

async fn a_duplicate_key_is_a_unique_violation(backend: Backend) {
    let scratch = Scratch::new(backend).await;
    let db = scratch.db();
    probe_table(db).await;
    let id = Uuid::now_v7();
    let mut tx = db.begin().await.unwrap();
    insert_row(&mut tx, id, 1).await.unwrap();
    tx.commit().await.unwrap();

    let mut tx = db.begin().await.unwrap();
    let error = insert_row(&mut tx, id, 2).await.unwrap_err();
    assert!(is_unique_violation(&error), "{error:?}");
    drop(tx);
    assert_eq!(probe_keys(db).await, BTreeSet::from([1]));
}

/// Many writers at once, every third rolling back its own work after writing it and every fifth
/// meeting a unique violation after its write and giving up (as a handler returns the error; on
/// PostgreSQL the transaction is dead after any error): exactly the work of the transactions that
/// committed is stored, and every commit that said so really did.
async fn concurrent_writers_keep_exactly_the_committed_work(backend: Backend) {
    let scratch = Scratch::new(backend).await;
    let db = scratch.db().clone();
    probe_table(&db).await;
    let taken = Uuid::now_v7();
    {
        let mut tx = db.begin().await.unwrap();
        insert_row(&mut tx, taken, -1).await.unwrap();
        tx.commit().await.unwrap();
    }
    let writers = (0..200_i64).map(|n| {
        let db = db.clone();
        tokio::spawn(async move {
            let mut tx = db.begin().await.unwrap();
            insert_row(&mut tx, Uuid::now_v7(), n).await.unwrap();
            if n % 5 == 0 {
                let clash = insert_row(&mut tx, taken, n + 1000).await.unwrap_err();
                assert!(is_unique_violation(&clash));
            }
            tokio::task::yield_now().await;
            if n % 3 == 0 || n % 5 == 0 {
                drop(tx);
                None
            } else {
                tx.commit().await.unwrap();
                Some(n)
            }
        })
    });
    let mut committed: BTreeSet<i64> = BTreeSet::from([-1]);
    for writer in writers.collect::<Vec<_>>() {
        committed.extend(writer.await.unwrap());
    }
    assert_eq!(committed.len(), 1 + 200 - 67 - 40 + 14);
    assert_eq!(probe_keys(&db).await, committed);
}

/// A write transaction whose commit is dropped while it waits (its client went away) must not
/// leave its batch open: the database stays writable, and on SQLite the work it released into the
/// batch commits with the batch.
async fn a_commit_dropped_while_waiting_leaves_the_database_writable(backend: Backend) {
    let scratch = Scratch::new(backend).await;
    let db = scratch.db().clone();
    probe_table(&db).await;

    let mut first = db.begin().await.unwrap();
    insert_row(&mut first, Uuid::now_v7(), 1).await.unwrap();
    // A second writer queues for the writer and, once it has it, keeps it for a while.
    let second = tokio::spawn({
        let db = db.clone();
        async move {
            let mut tx = db.begin().await.unwrap();
            insert_row(&mut tx, Uuid::now_v7(), 2).await.unwrap();
            tokio::time::sleep(Duration::from_millis(200)).await;
            tx.commit().await.unwrap();
        }
    });
    tokio::time::sleep(Duration::from_millis(50)).await;
    let dropped = tokio::time::timeout(Duration::from_millis(50), first.commit()).await;
    second.await.unwrap();

    tokio::time::timeout(Duration::from_secs(5), insert_probe(&db, 3))
        .await
        .expect("the writer is free again")
        .unwrap();
    let keys = probe_keys(&db).await;
    assert!(keys.is_superset(&BTreeSet::from([2, 3])), "{keys:?}");
    if backend == Backend::Sqlite {
        // The first transaction's work was in the batch, which committed.
        assert!(
            dropped.is_err(),
            "the commit was still waiting when dropped"
        );
        assert!(keys.contains(&1), "{keys:?}");
    }
}

/// After a burst of writes longer than the WAL's rewind mark (64 MiB), the writer at rest copies
/// the WAL back and cuts its file to nothing, and every row is still there.
#[tokio::test]
async fn sqlite_cuts_a_long_wal_back_once_the_writer_is_at_rest() {
    let scratch = Scratch::new(Backend::Sqlite).await;
    let db = scratch.db().clone();
    let Db::Sqlite(sqlite) = &db else {
        unreachable!("an SQLite test app")
    };
    let wal = std::path::PathBuf::from(format!("{}-wal", sqlite.path().display()));
    let wal_size = || std::fs::metadata(&wal).map_or(0, |m| m.len());
    probe_table(&db).await;

    // 72 MiB of 64 KiB labels, in transactions of 4 MiB.
    let label = "x".repeat(64 * 1024);
    // The writer may rewind the WAL before the burst ends (a lone writer is at rest), so the
    // burst is judged by the longest the file got.
    let mut longest = 0;
    for batch in 0..18 {
        let mut tx = db.begin().await.unwrap();
        for i in 0..64 {
            sql::query("insert into storage_probe (id, n, label) values ($1, $2, $3)")
                .bind(Uuid::now_v7())
                .bind(batch * 64 + i)
                .bind(label.as_str())
                .execute(&mut tx)
                .await
                .unwrap();
        }
        tx.commit().await.unwrap();
        longest = longest.max(wal_size());
    }
    assert!(
        longest > 64 << 20,
        "the burst filled the WAL ({longest} bytes at most)"
    );

    // Lone writes: the first ones find the checkpoint thread's request, and a writer at rest. The
    // file shrinks only when cut, so once it is far below what the burst made it, it was cut: at
    // rest after the burst (to nothing), or already during it, a lone writer being at rest (to
    // what the last batches wrote since, a few MiB, which asks for no further cut).
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    let mut n = 10_000;
    while wal_size() > 16 << 20 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the WAL is still {} bytes",
            wal_size()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
        insert_probe(&db, n).await.unwrap();
        n += 1;
    }
    let rows: i64 = sql::query_scalar("select count(*) from storage_probe where label is not null")
        .fetch_one(&db)
        .await
        .unwrap();
    assert_eq!(rows, 18 * 64);
    insert_probe(&db, n).await.unwrap();
}

const NOTES_V1: Migration = Migration {
    version: 1,
    name: "notes",
    sqlite: "create table notes_items (id integer primary key, tenant_id blob, body text not null)",
    postgres:
        "create table notes_items (id bigserial primary key, tenant_id uuid, body text not null);
        alter table notes_items enable row level security;
        create policy tenant_isolation on notes_items using (tenant_id is not null);",
};

const NOTES_V2: Migration = Migration {
    version: 2,
    name: "tags",
    sqlite: "alter table notes_items add column tag text",
    postgres: "alter table notes_items add column tag text",
};

async fn history(db: &Db) -> Vec<(String, i64)> {
    sql::query_as("select owner, version from lumiku_migrations order by owner, version")
        .fetch_all(db)
        .await
        .unwrap()
}

fn notes(versions: &[i64]) -> Vec<(String, i64)> {
    versions.iter().map(|v| ("notes".to_owned(), *v)).collect()
}

async fn migrate_notes(db: &Db, migrations: &[Migration]) -> anyhow::Result<usize> {
    let wall = Wall::new("notes");
    let set = MigrationSet {
        owner: Owner::App(&wall),
        migrations,
    };
    lumiku_store::migrate::migrate(db, &set).await
}

async fn migrations_apply_once_and_refuse_a_changed_or_newer_history(backend: Backend) {
    let scratch = Scratch::new(backend).await;
    let db = scratch.db();
    // Each run says how many it applied.
    assert_eq!(migrate_notes(db, &[NOTES_V1]).await.unwrap(), 1);
    assert_eq!(migrate_notes(db, &[NOTES_V1, NOTES_V2]).await.unwrap(), 1);
    assert_eq!(migrate_notes(db, &[NOTES_V1, NOTES_V2]).await.unwrap(), 0);
    assert_eq!(history(db).await, notes(&[1, 2]));

    let changed = Migration {
        sqlite: "alter table notes_items add column tag text not null default ''",
        postgres: "alter table notes_items add column tag text not null default ''",
        ..NOTES_V2
    };
    let error = migrate_notes(db, &[NOTES_V1, changed]).await.unwrap_err();
    assert!(
        format!("{error:#}").contains("was changed after it was applied"),
        "{error:#}"
    );

    let error = migrate_notes(db, &[NOTES_V1]).await.unwrap_err();
    assert!(
        format!("{error:#}").contains("written by a newer Lumiku"),
        "{error:#}"
    );

    let outside = Migration {
        version: 3,
        name: "reach",
        sqlite: "create table wallets_copy (id integer, tenant_id blob)",
        postgres: "create table wallets_copy (id integer, tenant_id uuid)",
    };
    let error = migrate_notes(db, &[NOTES_V1, NOTES_V2, outside])
        .await
        .unwrap_err();
    assert!(
        format!("{error:#}").contains("outside the app's prefix"),
        "{error:#}"
    );
    assert_eq!(
        history(db).await,
        notes(&[1, 2]),
        "a refused set ran nothing"
    );

    if backend == Backend::Postgres {
        // The app's role holds its own table and nothing else.
        let (own, other): (bool, bool) = sql::query_as(
            "select has_table_privilege('lumiku_app_notes', 'notes_items', 'insert'), \
             has_table_privilege('lumiku_app_notes', 'lumiku_migrations', 'select')",
        )
        .fetch_one(db)
        .await
        .unwrap();
        assert!(own && !other, "own {own}, lumiku_migrations {other}");
    }
}

async fn nodes_migrating_together_apply_each_migration_once(backend: Backend) {
    let scratch = Scratch::new(backend).await;
    let nodes = (0..4).map(|_| {
        let url = scratch.url().to_owned();
        tokio::spawn(async move {
            let db = Db::connect(&lumiku_store::DbOptions {
                url,
                max_connections: 2,
                ..Default::default()
            })
            .await
            .unwrap();
            migrate_notes(&db, &[NOTES_V1, NOTES_V2]).await.unwrap();
            db.close().await;
        })
    });
    for node in nodes.collect::<Vec<_>>() {
        node.await.unwrap();
    }
    assert_eq!(history(scratch.db()).await, notes(&[1, 2]));
}
