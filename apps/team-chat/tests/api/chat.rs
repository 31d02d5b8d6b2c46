//! The chat's own rules: private channels and direct conversations stay among their members,
//! threads, edits and deletions by the right people, reactions, mentions, unread counts,
//! history by cursor, search within what the caller may see, and Markdown that cannot run.

use lumiku_testkit::{Backend, TestApp, TestUser, backend_tests};
use reqwest::Method;
use serde_json::{Value, json};

use crate::{BASE, bodies, channel, in_tenant, send, spawn, team};

backend_tests!(
    a_private_channel_is_seen_by_its_members_only,
    a_direct_conversation_is_one_per_pair_and_private,
    replies_form_one_level_threads,
    authors_edit_and_authors_or_admins_delete,
    reactions_count_once_per_person_and_emoji,
    mentions_notify_who_can_see_the_channel_and_clear_on_read,
    unread_counts_follow_what_each_member_has_read,
    history_pages_by_cursor_without_gaps_or_repeats,
    search_finds_words_and_prefixes_only_where_the_caller_may_look,
    markdown_renders_and_nothing_in_it_runs,
    typing_signals_are_limited_per_user,
    purging_the_app_deletes_the_tenants_chat_and_its_search_index,
    the_tenants_export_holds_its_messages_once_and_the_same_on_both_backends,
);

/// Makes every usage ledger row fail: a write after the debit, to roll a metered action back.
pub async fn fail_usage_rows(app: &TestApp, backend: Backend) {
    match backend {
        Backend::Sqlite => {
            app.execute_sql(
                "create trigger fail_usage before insert on ledger_entries when new.kind = 'usage' \
                 begin select raise(abort, 'injected failure'); end;",
            )
            .await
        }
        Backend::Postgres => {
            app.execute_sql(
                "create function fail_usage() returns trigger language plpgsql as \
                 $$ begin raise exception 'injected failure'; end $$; \
                 create trigger fail_usage before insert on ledger_entries for each row \
                 when (new.kind = 'usage') execute function fail_usage();",
            )
            .await
        }
    }
}

/// Three people in one team: Ana (owner), Budi (member), Citra (member).
struct Team {
    app: TestApp,
    ana: TestUser,
    budi: TestUser,
    citra: TestUser,
    id: String,
}

async fn three(backend: Backend) -> Team {
    let app = spawn(backend).await;
    let ana = app.register_as("ana@example.com").await;
    let budi = app.register_as("budi@example.com").await;
    let citra = app.register_as("citra@example.com").await;
    let id = team(&app, &ana, &[(&budi, "member"), (&citra, "member")]).await;
    // The team pays.
    crate::grant(&app, &id, 500).await;
    Team {
        app,
        ana,
        budi,
        citra,
        id,
    }
}

impl Team {
    async fn call(
        &self,
        who: &TestUser,
        method: Method,
        path: &str,
        body: Option<Value>,
    ) -> lumiku_testkit::TestResponse {
        in_tenant(&self.app, who, &self.id, method, path, body).await
    }

    async fn get(&self, who: &TestUser, path: &str) -> Value {
        let response = self.call(who, Method::GET, path, None).await;
        response.assert_status(200);
        response.body
    }

    async fn channel(
        &self,
        who: &TestUser,
        name: &str,
        private: bool,
        members: &[&TestUser],
    ) -> String {
        let members: Vec<String> = members.iter().map(|m| m.id.to_string()).collect();
        let created = self
            .call(
                who,
                Method::POST,
                "/channels",
                Some(json!({ "name": name, "private": private, "members": members })),
            )
            .await;
        created.assert_status(201);
        created.body["channel"]["id"].as_str().unwrap().to_owned()
    }

    async fn send(
        &self,
        who: &TestUser,
        channel: &str,
        body: Value,
    ) -> lumiku_testkit::TestResponse {
        self.call(
            who,
            Method::POST,
            &format!("/channels/{channel}/messages"),
            Some(body),
        )
        .await
    }

    async fn say(&self, who: &TestUser, channel: &str, text: &str) -> String {
        let sent = self.send(who, channel, json!({ "body": text })).await;
        sent.assert_status(201);
        sent.body["message"]["id"].as_str().unwrap().to_owned()
    }

    async fn names(&self, who: &TestUser) -> Vec<String> {
        self.get(who, "/channels").await["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["name"].as_str().unwrap_or("(direct)").to_owned())
            .collect()
    }
}

async fn a_private_channel_is_seen_by_its_members_only(backend: Backend) {
    let t = three(backend).await;
    let open = t.channel(&t.ana, "general", false, &[]).await;
    let quiet = t.channel(&t.ana, "leads", true, &[&t.budi]).await;
    assert_eq!(t.names(&t.budi).await, ["general", "leads"]);
    assert_eq!(t.names(&t.citra).await, ["general"]);
    t.say(&t.ana, &quiet, "plans").await;
    for path in [
        format!("/channels/{quiet}"),
        format!("/channels/{quiet}/messages"),
    ] {
        t.call(&t.citra, Method::GET, &path, None)
            .await
            .assert_error(404, "not_found");
    }
    t.send(&t.citra, &quiet, json!({ "body": "let me in" }))
        .await
        .assert_error(404, "not_found");
    // A member adds Citra; then removes her again.
    t.call(
        &t.budi,
        Method::POST,
        &format!("/channels/{quiet}/members"),
        Some(json!({ "userId": t.citra.id })),
    )
    .await
    .assert_status(200);
    assert_eq!(
        t.get(&t.citra, &format!("/channels/{quiet}/messages"))
            .await["items"][0]["body"],
        "plans"
    );
    t.call(
        &t.budi,
        Method::DELETE,
        &format!("/channels/{quiet}/members/{}", t.citra.id),
        None,
    )
    .await
    .assert_error(403, "forbidden");
    t.call(
        &t.ana,
        Method::DELETE,
        &format!("/channels/{quiet}/members/{}", t.citra.id),
        None,
    )
    .await
    .assert_status(200);
    assert_eq!(t.names(&t.citra).await, ["general"]);
    // Names are unique in the tenant, whatever their case.
    t.call(
        &t.budi,
        Method::POST,
        "/channels",
        Some(json!({ "name": "GENERAL" })),
    )
    .await
    .assert_error(409, "channel_exists");
    // Members join a public channel themselves; only its creator or an admin renames it.
    t.call(
        &t.budi,
        Method::POST,
        &format!("/channels/{open}/members"),
        Some(json!({ "userId": t.citra.id })),
    )
    .await
    .assert_error(403, "forbidden");
    t.call(
        &t.budi,
        Method::PATCH,
        &format!("/channels/{open}"),
        Some(json!({ "name": "mine" })),
    )
    .await
    .assert_error(403, "forbidden");
    let renamed = t
        .call(
            &t.ana,
            Method::PATCH,
            &format!("/channels/{open}"),
            Some(json!({ "name": "everyone" })),
        )
        .await;
    renamed.assert_status(200);
    assert_eq!(renamed.body["channel"]["name"], "everyone");
    t.call(&t.ana, Method::DELETE, &format!("/channels/{quiet}"), None)
        .await
        .assert_status(200);
    assert_eq!(t.names(&t.budi).await, ["everyone"]);
}

async fn a_direct_conversation_is_one_per_pair_and_private(backend: Backend) {
    let t = three(backend).await;
    let opened = t
        .call(
            &t.ana,
            Method::POST,
            "/direct",
            Some(json!({ "userId": t.budi.id })),
        )
        .await;
    opened.assert_status(201);
    assert_eq!(opened.body["creditUsed"], 0, "opening one is free");
    let id = opened.body["channel"]["id"].as_str().unwrap().to_owned();
    let again = t
        .call(
            &t.budi,
            Method::POST,
            "/direct",
            Some(json!({ "userId": t.ana.id })),
        )
        .await;
    again.assert_status(200);
    assert_eq!(
        again.body["channel"]["id"],
        id.as_str(),
        "one per pair, either way round"
    );
    t.say(&t.budi, &id, "just us").await;
    let budi_list = t.get(&t.ana, "/channels").await;
    assert_eq!(budi_list["items"][0]["peer"], t.budi.id.to_string());
    t.call(
        &t.citra,
        Method::GET,
        &format!("/channels/{id}/messages"),
        None,
    )
    .await
    .assert_error(404, "not_found");
    for bad in [
        json!({ "userId": t.ana.id }),
        json!({ "userId": uuid::Uuid::now_v7() }),
    ] {
        t.call(&t.ana, Method::POST, "/direct", Some(bad))
            .await
            .assert_error(422, "validation_failed");
    }
    t.call(
        &t.ana,
        Method::POST,
        &format!("/channels/{id}/members"),
        Some(json!({ "userId": t.citra.id })),
    )
    .await
    .assert_error(422, "direct_conversation");
}

async fn replies_form_one_level_threads(backend: Backend) {
    let t = three(backend).await;
    let general = t.channel(&t.ana, "general", false, &[]).await;
    let other = t.channel(&t.ana, "other", false, &[]).await;
    let root = t.say(&t.ana, &general, "Lunch?").await;
    let reply = t
        .send(
            &t.budi,
            &general,
            json!({ "body": "Yes", "parentId": root }),
        )
        .await;
    reply.assert_status(201);
    assert_eq!(
        reply.body["creditUsed"], 1,
        "a reply costs what a message does"
    );
    let reply_id = reply.body["message"]["id"].as_str().unwrap().to_owned();
    let nested = t
        .send(
            &t.citra,
            &general,
            json!({ "body": "Me too", "parentId": reply_id }),
        )
        .await;
    assert_eq!(
        nested.body["message"]["parentId"],
        root.as_str(),
        "joins the thread"
    );
    t.send(&t.citra, &other, json!({ "body": "x", "parentId": root }))
        .await
        .assert_error(404, "not_found");
    let top = t
        .get(&t.ana, &format!("/channels/{general}/messages"))
        .await;
    assert_eq!(
        top["items"].as_array().unwrap().len(),
        1,
        "replies stay in their thread"
    );
    assert_eq!(top["items"][0]["replyCount"], 2);
    let thread = t.get(&t.ana, &format!("/messages/{root}/replies")).await;
    let texts: Vec<&str> = thread["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["body"].as_str().unwrap())
        .collect();
    assert_eq!(texts, ["Yes", "Me too"]);
    assert_eq!(thread["items"][0]["authorName"], "budi@example.com");
}

async fn authors_edit_and_authors_or_admins_delete(backend: Backend) {
    let t = three(backend).await;
    let general = t.channel(&t.ana, "general", false, &[]).await;
    let budis = t.say(&t.budi, &general, "tpyo").await;
    let citras = t.say(&t.citra, &general, "mine").await;
    t.call(
        &t.citra,
        Method::PATCH,
        &format!("/messages/{budis}"),
        Some(json!({ "body": "hijack" })),
    )
    .await
    .assert_error(403, "forbidden");
    let edited = t
        .call(
            &t.budi,
            Method::PATCH,
            &format!("/messages/{budis}"),
            Some(json!({ "body": "typo" })),
        )
        .await;
    edited.assert_status(200);
    assert_eq!(edited.body["creditUsed"], 0);
    assert_eq!(edited.body["message"]["body"], "typo");
    assert!(edited.body["message"]["editedAt"].is_string());
    t.call(
        &t.citra,
        Method::DELETE,
        &format!("/messages/{budis}"),
        None,
    )
    .await
    .assert_error(403, "forbidden");
    t.call(&t.ana, Method::DELETE, &format!("/messages/{budis}"), None)
        .await
        .assert_status(200);
    t.call(
        &t.citra,
        Method::DELETE,
        &format!("/messages/{citras}"),
        None,
    )
    .await
    .assert_status(200);
    let list = t
        .get(&t.budi, &format!("/channels/{general}/messages"))
        .await;
    for message in list["items"].as_array().unwrap() {
        assert_eq!(message["deleted"], true);
        assert_eq!(message["body"], "");
        assert_eq!(message["html"], "");
    }
    t.call(
        &t.budi,
        Method::PATCH,
        &format!("/messages/{budis}"),
        Some(json!({ "body": "back" })),
    )
    .await
    .assert_error(404, "not_found");
}

async fn reactions_count_once_per_person_and_emoji(backend: Backend) {
    let t = three(backend).await;
    let general = t.channel(&t.ana, "general", false, &[]).await;
    let id = t.say(&t.ana, &general, "Shipped!").await;
    for who in [&t.budi, &t.budi, &t.citra] {
        let reacted = t
            .call(
                who,
                Method::POST,
                &format!("/messages/{id}/reactions"),
                Some(json!({ "emoji": "🎉" })),
            )
            .await;
        reacted.assert_status(200);
        assert_eq!(reacted.body["creditUsed"], 0, "reactions are free");
    }
    let message = &t
        .get(&t.ana, &format!("/channels/{general}/messages"))
        .await["items"][0];
    assert_eq!(
        message["reactions"],
        json!([{ "emoji": "🎉", "userIds": [t.budi.id, t.citra.id] }])
    );
    t.call(
        &t.budi,
        Method::DELETE,
        &format!("/messages/{id}/reactions/🎉"),
        None,
    )
    .await
    .assert_status(200);
    let message = &t
        .get(&t.ana, &format!("/channels/{general}/messages"))
        .await["items"][0];
    assert_eq!(
        message["reactions"],
        json!([{ "emoji": "🎉", "userIds": [t.citra.id] }])
    );
    for bad in ["", "ok", "<img>", "🎉 🎉"] {
        t.call(
            &t.budi,
            Method::POST,
            &format!("/messages/{id}/reactions"),
            Some(json!({ "emoji": bad })),
        )
        .await
        .assert_error(422, "validation_failed");
    }
}

async fn mentions_notify_who_can_see_the_channel_and_clear_on_read(backend: Backend) {
    let t = three(backend).await;
    let general = t.channel(&t.ana, "general", false, &[]).await;
    let quiet = t.channel(&t.ana, "leads", true, &[&t.budi]).await;
    t.say(&t.ana, &general, "@budi and @Citra, standup in 5")
        .await;
    t.say(&t.ana, &quiet, "@citra cannot see this; @budi can")
        .await;
    let budi = t.get(&t.budi, "/mentions").await;
    assert_eq!(budi["items"].as_array().unwrap().len(), 2);
    let citra = t.get(&t.citra, "/mentions").await;
    assert_eq!(citra["items"].as_array().unwrap().len(), 1, "{citra}");
    assert_eq!(citra["items"][0]["channelId"], general.as_str());
    let ana = t.get(&t.ana, "/mentions").await;
    assert_eq!(ana["items"], json!([]));
    t.call(
        &t.budi,
        Method::POST,
        &format!("/channels/{general}/read"),
        Some(json!({})),
    )
    .await
    .assert_status(200);
    assert_eq!(
        t.get(&t.budi, "/mentions").await["items"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

async fn unread_counts_follow_what_each_member_has_read(backend: Backend) {
    let t = three(backend).await;
    let general = t.channel(&t.ana, "general", false, &[]).await;
    let unread = |list: &Value| list["items"][0]["unread"].as_i64().unwrap();
    // Budi joins by reading; then Ana writes twice.
    t.call(
        &t.budi,
        Method::POST,
        &format!("/channels/{general}/read"),
        Some(json!({})),
    )
    .await
    .assert_status(200);
    let first = t.say(&t.ana, &general, "one").await;
    t.say(&t.ana, &general, "two").await;
    assert_eq!(unread(&t.get(&t.budi, "/channels").await), 2);
    assert_eq!(
        unread(&t.get(&t.ana, "/channels").await),
        0,
        "one's own messages are read"
    );
    t.call(
        &t.budi,
        Method::POST,
        &format!("/channels/{general}/read"),
        Some(json!({ "messageId": first })),
    )
    .await
    .assert_status(200);
    assert_eq!(unread(&t.get(&t.budi, "/channels").await), 1);
    t.call(
        &t.budi,
        Method::POST,
        &format!("/channels/{general}/read"),
        Some(json!({})),
    )
    .await
    .assert_status(200);
    assert_eq!(unread(&t.get(&t.budi, "/channels").await), 0);
    // A mark never moves back.
    t.call(
        &t.budi,
        Method::POST,
        &format!("/channels/{general}/read"),
        Some(json!({ "messageId": first })),
    )
    .await
    .assert_status(200);
    assert_eq!(unread(&t.get(&t.budi, "/channels").await), 0);
    let listed = t.get(&t.citra, "/channels").await;
    assert_eq!(
        (listed["items"][0]["member"].as_bool(), unread(&listed)),
        (Some(false), 0)
    );
}

async fn history_pages_by_cursor_without_gaps_or_repeats(backend: Backend) {
    let app = spawn(backend).await;
    let user = app.register_user().await;
    let id = crate::channel(&app, &user, "general").await;
    for n in 0..7 {
        send(&app, &user, &id, &format!("m{n}"))
            .await
            .assert_status(201);
    }
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(c) => format!("{BASE}/channels/{id}/messages?limit=3&before={c}"),
            None => format!("{BASE}/channels/{id}/messages?limit=3"),
        };
        let page = app.get(&path, &user.access_token).await;
        page.assert_status(200);
        for m in page.body["items"].as_array().unwrap() {
            seen.push(m["body"].as_str().unwrap().to_owned());
        }
        cursor = page.body["nextCursor"].as_str().map(str::to_owned);
        if cursor.is_none() {
            break;
        }
    }
    assert_eq!(seen, ["m6", "m5", "m4", "m3", "m2", "m1", "m0"]);
    for bad in ["limit=-1", "before=nope", "limit=abc", "unknown=1"] {
        app.get(
            &format!("{BASE}/channels/{id}/messages?{bad}"),
            &user.access_token,
        )
        .await
        .assert_status(400);
    }
}

async fn search_finds_words_and_prefixes_only_where_the_caller_may_look(backend: Backend) {
    let t = three(backend).await;
    let general = t.channel(&t.ana, "general", false, &[]).await;
    let quiet = t.channel(&t.ana, "leads", true, &[&t.budi]).await;
    t.say(&t.ana, &general, "The deployment finished at noon")
        .await;
    t.say(&t.ana, &quiet, "Secret deployment plan").await;
    let gone = t.say(&t.ana, &general, "deployment rollback notes").await;
    let edited = t.say(&t.budi, &general, "kucing").await;
    t.call(&t.ana, Method::DELETE, &format!("/messages/{gone}"), None)
        .await
        .assert_status(200);
    t.call(
        &t.budi,
        Method::PATCH,
        &format!("/messages/{edited}"),
        Some(json!({ "body": "anjing menggonggong" })),
    )
    .await
    .assert_status(200);
    let texts = |hits: Value| -> Vec<String> {
        let mut texts: Vec<String> = hits["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| h["message"]["body"].as_str().unwrap().to_owned())
            .collect();
        texts.sort();
        texts
    };
    assert_eq!(
        texts(t.get(&t.budi, "/search?q=deploy").await),
        ["Secret deployment plan", "The deployment finished at noon"]
    );
    assert_eq!(
        texts(t.get(&t.citra, "/search?q=DEPLOYMENT").await),
        ["The deployment finished at noon"]
    );
    assert_eq!(
        texts(t.get(&t.citra, "/search?q=deployment noon").await),
        ["The deployment finished at noon"]
    );
    assert!(
        texts(t.get(&t.citra, "/search?q=kucing").await).is_empty(),
        "the old text is gone"
    );
    assert_eq!(
        texts(t.get(&t.citra, "/search?q=anjing").await),
        ["anjing menggonggong"]
    );
    assert!(
        texts(t.get(&t.citra, "/search?q=rollback").await).is_empty(),
        "deleted"
    );
    assert!(
        texts(t.get(&t.citra, "/search?q=\"*:(").await).is_empty(),
        "punctuation only"
    );
    let hit = &t.get(&t.citra, "/search?q=noon").await["items"][0];
    assert_eq!(hit["channelName"], "general");
    // Another tenant finds nothing of this one's.
    let outsider = t.app.register_user().await;
    let found = t
        .app
        .get(
            &format!("{BASE}/search?q=deployment"),
            &outsider.access_token,
        )
        .await;
    assert_eq!(found.body["items"], json!([]));
    t.call(&t.citra, Method::GET, "/search?q=", None)
        .await
        .assert_error(422, "validation_failed");
}

async fn markdown_renders_and_nothing_in_it_runs(backend: Backend) {
    let app = spawn(backend).await;
    let user = app.register_user().await;
    let id = crate::channel(&app, &user, "general").await;
    let cases = [
        (
            "**bold** and `code`",
            "<p><strong>bold</strong> and <code>code</code></p>\n",
        ),
        (
            "<script>alert(1)</script>",
            "&lt;script&gt;alert(1)&lt;/script&gt;",
        ),
        (
            "<img src=x onerror=alert(1)>",
            "&lt;img src=x onerror=alert(1)&gt;",
        ),
        (
            "a <b onmouseover=alert(1)>b</b>",
            "<p>a &lt;b onmouseover=alert(1)&gt;b&lt;/b&gt;</p>\n",
        ),
        ("[x](javascript:alert(1))", "<p><a href=\"\">x</a></p>\n"),
    ];
    for (source, html) in cases {
        let sent = send(&app, &user, &id, source).await;
        sent.assert_status(201);
        assert_eq!(sent.body["message"]["html"], html, "{source}");
        assert_eq!(sent.body["message"]["body"], source);
    }
    assert_eq!(bodies(&app, &user, &id).await.len(), 5);
}

async fn typing_signals_are_limited_per_user(backend: Backend) {
    let t = three(backend).await;
    let general = t.channel(&t.ana, "general", false, &[]).await;
    let typing = format!("/channels/{general}/typing");
    for _ in 0..lumiku_kernel::realtime::SIGNALS_PER_WINDOW {
        t.call(&t.ana, Method::POST, &typing, None)
            .await
            .assert_status(204);
    }
    let refused = t.call(&t.ana, Method::POST, &typing, None).await;
    refused.assert_error(429, "rate_limited");
    assert!(
        refused.headers.contains_key("retry-after"),
        "{:?}",
        refused.headers
    );
    t.call(&t.budi, Method::POST, &typing, None)
        .await
        .assert_status(204);
}

async fn purging_the_app_deletes_the_tenants_chat_and_its_search_index(backend: Backend) {
    let t = three(backend).await;
    let general = t.channel(&t.ana, "general", false, &[]).await;
    t.say(&t.ana, &general, "quarterly numbers are in").await;
    // Another tenant's chat, which the purge must leave alone.
    let outsider = t.app.register_user().await;
    let elsewhere = t
        .app
        .post(
            &format!("{BASE}/channels"),
            &outsider.access_token,
            json!({ "name": "elsewhere" }),
        )
        .await;
    elsewhere.assert_status(201);
    let elsewhere = elsewhere.body["channel"]["id"].as_str().unwrap().to_owned();
    t.app
        .post(
            &format!("{BASE}/channels/{elsewhere}/messages"),
            &outsider.access_token,
            json!({ "body": "quarterly numbers elsewhere" }),
        )
        .await
        .assert_status(201);

    // Purged at once (SQLite's search index keeps shadow tables under the app's prefix that
    // hold no tenant's rows: the purge must pass them by).
    let path = format!("/api/tenants/{}/apps/team-chat", t.id);
    let purged = t
        .app
        .delete(&format!("{path}?purge=true"), &t.ana.access_token)
        .await;
    purged.assert_status(200);
    t.app
        .post(&path, &t.ana.access_token, json!({}))
        .await
        .assert_status(200);
    assert!(t.names(&t.ana).await.is_empty(), "the channels are gone");
    let hits = t.get(&t.ana, "/search?q=quarterly").await;
    assert_eq!(hits["items"], json!([]), "and the search index with them");
    let theirs = t
        .app
        .get(
            &format!("{BASE}/search?q=quarterly"),
            &outsider.access_token,
        )
        .await;
    assert_eq!(theirs.body["items"].as_array().unwrap().len(), 1);
}

/// A tenant's export holds the chat's tables, not its search index (a virtual table on SQLite, a
/// generated column on PostgreSQL): each message once, with the same columns on both backends.
async fn the_tenants_export_holds_its_messages_once_and_the_same_on_both_backends(
    backend: Backend,
) {
    let app = spawn(backend).await;
    let user = app.register_user().await;
    let general = channel(&app, &user, "general").await;
    send(&app, &user, &general, "exported words")
        .await
        .assert_status(201);
    let export = app
        .get(
            &format!("/api/tenants/{}/export", user.personal_tenant_id),
            &user.access_token,
        )
        .await;
    export.assert_status(200);
    let chat = export.body["apps"]["team-chat"].as_object().unwrap();
    assert!(
        chat.keys().all(|table| !table.contains("search")),
        "{:?}",
        chat.keys()
    );
    let messages = chat["team_chat_messages"].as_array().unwrap();
    assert_eq!(messages.len(), 1);
    let mut columns: Vec<&String> = messages[0].as_object().unwrap().keys().collect();
    columns.sort();
    assert!(!columns.iter().any(|c| c.contains("search")), "{columns:?}");
    assert_eq!(messages[0]["body"], "exported words");
    // Once as written (and once rendered), not again from a search index.
    assert_eq!(
        export.text.matches("\"body\":\"exported words\"").count(),
        1,
        "{}",
        export.text
    );
}
