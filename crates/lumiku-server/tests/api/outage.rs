//! PostgreSQL going away under a running server: every request answers 503 with `Retry-After`
//! (never a 500), nothing is charged for work that was not done, and once the database is back
//! the same server serves again without a restart.
//!
//! The server reaches PostgreSQL through a TCP proxy the test cuts (closing every connection and
//! refusing new ones) and restores.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use lumiku_testkit::{Backend, TestApp, postgres_tests};
use reqwest::Method;
use serde_json::json;
use tokio::net::TcpStream;
use tokio::task::AbortHandle;

postgres_tests!(a_server_answers_503_while_postgresql_is_away_and_recovers_alone);

async fn a_server_answers_503_while_postgresql_is_away_and_recovers_alone(backend: Backend) {
    let mut proxy = None;
    let app = TestApp::spawn_with_apps(backend, vec![project_manager::app()], |config| {
        let url = config.database_url.clone().expect("a PostgreSQL URL");
        let (through, upstream) = through_proxy(&url);
        proxy = Some(upstream);
        config.database_url = Some(through);
    })
    .await;
    let proxy = proxy.unwrap();
    let user = app.register_user().await;
    let projects = "/api/apps/project-manager/projects";
    let create = |key: String| {
        app.request(Method::POST, projects)
            .bearer_auth(&user.access_token)
            .header("idempotency-key", key)
            .json(&json!({ "name": "Kept" }))
            .send()
    };
    assert_eq!(create("before".into()).await.unwrap().status(), 201);

    let mut made = 1;
    for away in [Away::Closing, Away::Down] {
        proxy.cut(away);
        let started = Instant::now();
        let requests = [
            (Method::POST, projects, "create a project (metered)"),
            (Method::GET, projects, "list the projects (an app's read)"),
            (Method::GET, "/api/auth/me", "the signed-in user (the core)"),
            (Method::GET, "/api/credits/balance", "the balance"),
            (Method::POST, "/api/auth/login", "sign in"),
            (Method::GET, "/ready", "readiness"),
        ];
        let answers = futures_util::future::join_all(requests.iter().enumerate().map(
            |(i, (method, path, _))| {
                let mut request = app
                    .request(method.clone(), path)
                    .bearer_auth(&user.access_token);
                if *path == projects && *method == Method::POST {
                    request = request
                        .header("idempotency-key", format!("during-{away:?}-{i}"))
                        .json(&json!({ "name": "Lost" }));
                } else if *method == Method::POST {
                    request =
                        request.json(&json!({ "email": user.email, "password": user.password }));
                }
                request.send()
            },
        ))
        .await;
        for (answer, (_, path, what)) in answers.into_iter().zip(&requests) {
            let answer = answer.unwrap();
            let status = answer.status().as_u16();
            let retry_after = answer.headers().get("retry-after").cloned();
            let body: serde_json::Value = answer.json().await.unwrap();
            assert_eq!(status, 503, "{away:?}, {what}: {body}");
            if *path == "/ready" {
                assert_eq!(body["error"]["code"], "not_ready", "{away:?}");
                continue;
            }
            assert_eq!(
                body["error"]["code"], "database_unavailable",
                "{away:?}, {what}"
            );
            assert_eq!(retry_after.unwrap(), "5", "{away:?}, {what}");
        }
        // A refused connection is retried until the pool's wait (10 s) is up.
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "{away:?}: answers took {:?}",
            started.elapsed()
        );

        proxy.restore().await;
        let deadline = Instant::now() + Duration::from_secs(30);
        let mut attempt = 0;
        loop {
            attempt += 1;
            let key = format!("after-{away:?}-{attempt}");
            let status = create(key).await.unwrap().status();
            if status == 201 {
                made += 1;
                break;
            }
            assert_eq!(status, 503, "{away:?}: while reconnecting");
            assert!(
                Instant::now() < deadline,
                "{away:?}: not serving 30 s after the restore"
            );
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        app.call(Method::GET, "/ready", None, None)
            .await
            .assert_status(200);
    }
    // The projects made and paid for, none of those refused.
    let list = app.get(projects, &user.access_token).await;
    list.assert_status(200);
    assert_eq!(
        list.body["items"].as_array().unwrap().len(),
        made,
        "{}",
        list.body
    );
    let wallet = app.wallet(user.personal_tenant_id).await;
    wallet.assert_consistent();
    assert_eq!(wallet.balance, 100 - 5 * made as i64);
}

/// `url` rewritten to reach its server through a new proxy, and the proxy.
fn through_proxy(url: &str) -> (String, Proxy) {
    let (scheme, rest) = url.split_once("://").unwrap();
    let (authority, path) = rest.split_once('/').unwrap();
    let (user, host) = authority.rsplit_once('@').unwrap();
    let upstream: SocketAddr = tokio::task::block_in_place(|| {
        std::net::ToSocketAddrs::to_socket_addrs(host)
            .unwrap()
            .next()
            .unwrap()
    });
    let proxy = Proxy::start(upstream);
    (format!("{scheme}://{user}@{}/{path}", proxy.addr), proxy)
}

/// How the proxy stands for a database that is away.
#[derive(Clone, Copy, Debug)]
enum Away {
    /// Connections are taken and closed at once (a TCP load balancer with no server behind it).
    Closing,
    /// Nothing listens: connections are refused (the server is down or restarting).
    Down,
}

/// A TCP proxy that can be cut and restored.
struct Proxy {
    addr: SocketAddr,
    upstream: SocketAddr,
    up: Arc<AtomicBool>,
    links: Arc<Mutex<Vec<AbortHandle>>>,
    accepting: Mutex<Option<AbortHandle>>,
}

impl Proxy {
    fn start(upstream: SocketAddr) -> Self {
        let proxy = Self {
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            upstream,
            up: Arc::new(AtomicBool::new(true)),
            links: Arc::new(Mutex::new(Vec::new())),
            accepting: Mutex::new(None),
        };
        let addr = proxy.listen();
        Self { addr, ..proxy }
    }

    /// Listens on `self.addr` (again), and answers the address.
    fn listen(&self) -> SocketAddr {
        self.try_listen().unwrap()
    }

    fn try_listen(&self) -> std::io::Result<SocketAddr> {
        let socket = tokio::net::TcpSocket::new_v4()?;
        socket.set_reuseaddr(true)?;
        socket.bind(self.addr)?;
        let listener = socket.listen(128)?;
        let addr = listener.local_addr()?;
        let (up, links, upstream) = (Arc::clone(&self.up), Arc::clone(&self.links), self.upstream);
        let accepting = tokio::spawn(async move {
            loop {
                let Ok((mut inbound, _)) = listener.accept().await else {
                    continue;
                };
                if !up.load(Ordering::SeqCst) {
                    drop(inbound);
                    continue;
                }
                let link = tokio::spawn(async move {
                    if let Ok(mut outbound) = TcpStream::connect(upstream).await {
                        let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                    }
                });
                links.lock().unwrap().push(link.abort_handle());
            }
        });
        *self.accepting.lock().unwrap() = Some(accepting.abort_handle());
        Ok(addr)
    }

    /// Closes every open connection, and takes new ones only to close them or refuses them.
    fn cut(&self, away: Away) {
        self.up.store(false, Ordering::SeqCst);
        if let Away::Down = away {
            // The listener goes with the task that owns it.
            if let Some(accepting) = self.accepting.lock().unwrap().take() {
                accepting.abort();
            }
        }
        for link in self.links.lock().unwrap().drain(..) {
            link.abort();
        }
    }

    /// Lets connections through again.
    async fn restore(&self) {
        self.up.store(true, Ordering::SeqCst);
        if self.accepting.lock().unwrap().is_some() {
            return;
        }
        // The aborted task lets the port go when the runtime next drops it.
        for _ in 0..100 {
            match self.try_listen() {
                Ok(_) => return,
                Err(e) if e.kind() == std::io::ErrorKind::AddrInUse => {
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
                Err(e) => panic!("listening again: {e}"),
            }
        }
        panic!("the proxy's port stayed in use");
    }
}
