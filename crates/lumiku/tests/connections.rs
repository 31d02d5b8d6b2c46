//! Connections under abuse, against the real binary: idle and header-trickling sockets are
//! closed after the header timeout, and 2,000 idle sockets against a server limited to 1,024
//! file descriptors neither exhaust them nor stop `/health` from answering.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpStream;

/// The binary under `prlimit --nofile=1024:1024`, on a fresh SQLite file; killed when dropped.
struct Server {
    process: Child,
    port: u16,
    log: PathBuf,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.process.kill();
        let _ = self.process.wait();
    }
}

async fn start(name: &str, header_timeout_secs: u64) -> Server {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("connections")
        .join(format!("{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let log = dir.join("server.log");
    let process = Command::new("prlimit")
        .arg("--nofile=1024:1024")
        .arg(env!("CARGO_BIN_EXE_lumiku"))
        .arg("serve")
        .env("LUMIKU_BIND", format!("127.0.0.1:{port}"))
        .env(
            "LUMIKU_DATABASE_URL",
            format!("sqlite://{}", dir.join("lumiku.db").display()),
        )
        .env("LUMIKU_DATA_DIR", &dir)
        .env(
            "LUMIKU_HEADER_TIMEOUT_SECS",
            header_timeout_secs.to_string(),
        )
        .env("LUMIKU_BILLING_INTERVAL_SECS", "0")
        .env("LUMIKU_LOG", "warn")
        .env_remove("LUMIKU_CONFIG")
        .env_remove("LUMIKU_MAX_CONNECTIONS")
        .current_dir(&dir)
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&log).unwrap())
        .spawn()
        .expect("prlimit (util-linux) runs the server");
    let server = Server { process, port, log };
    let deadline = Instant::now() + Duration::from_secs(30);
    while health(port).await != Some(200) {
        assert!(Instant::now() < deadline, "the server did not start");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    server
}

/// The status of `GET /health` on a new connection, if one came within two seconds.
async fn health(port: u16) -> Option<u16> {
    let ask = async {
        let mut stream = TcpStream::connect(("127.0.0.1", port)).await.ok()?;
        stream
            .write_all(b"GET /health HTTP/1.1\r\nhost: lumiku\r\nconnection: close\r\n\r\n")
            .await
            .ok()?;
        let mut answer = Vec::new();
        stream.read_to_end(&mut answer).await.ok()?;
        let answer = String::from_utf8_lossy(&answer);
        answer.get(9..12)?.parse().ok()
    };
    tokio::time::timeout(Duration::from_secs(2), ask)
        .await
        .ok()
        .flatten()
}

/// How long the server took to close `stream` (None: still open after `within`), sending
/// `trickle` a byte at a time every 300 ms meanwhile.
async fn closed_within(
    mut stream: TcpStream,
    trickle: &[u8],
    within: Duration,
) -> Option<Duration> {
    let started = Instant::now();
    let mut byte = [0u8; 1];
    let mut sent = 0;
    while started.elapsed() < within {
        if sent < trickle.len() && stream.write_all(&trickle[sent..=sent]).await.is_ok() {
            sent += 1;
        }
        match tokio::time::timeout(Duration::from_millis(300), stream.read(&mut byte)).await {
            Ok(Ok(0) | Err(_)) => return Some(started.elapsed()),
            Ok(Ok(_)) => {} // an error answer (408) before the close is fine
            Err(_) => {}
        }
    }
    None
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idle_and_trickling_connections_are_closed_after_the_header_timeout() {
    let server = start("timeouts", 2).await;
    let idle = TcpStream::connect(("127.0.0.1", server.port))
        .await
        .unwrap();
    let took = closed_within(idle, b"", Duration::from_secs(8)).await;
    assert!(took.is_some(), "an idle connection stayed open");
    let slow = TcpStream::connect(("127.0.0.1", server.port))
        .await
        .unwrap();
    let trickle =
        b"GET /health HTTP/1.1\r\nhost: lumiku\r\nx-slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    let took = closed_within(slow, trickle, Duration::from_secs(8)).await;
    assert!(took.is_some(), "a header-trickling connection stayed open");

    // A kept-alive connection that goes quiet after a request is closed too.
    let mut kept = TcpStream::connect(("127.0.0.1", server.port))
        .await
        .unwrap();
    kept.write_all(b"GET /health HTTP/1.1\r\nhost: lumiku\r\n\r\n")
        .await
        .unwrap();
    let mut first = [0u8; 12];
    kept.read_exact(&mut first).await.unwrap();
    assert_eq!(&first[9..12], b"200");
    let mut rest = vec![0u8; 4096];
    let _ = tokio::time::timeout(Duration::from_millis(200), kept.read(&mut rest)).await;
    assert!(
        closed_within(kept, b"", Duration::from_secs(8))
            .await
            .is_some(),
        "an idle kept-alive connection stayed open"
    );
    assert_eq!(health(server.port).await, Some(200));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flood_of_idle_connections_under_1024_descriptors_leaves_health_answering() {
    // A long header timeout: the idle sockets the server takes stay for the whole test.
    let server = start("flood", 60).await;
    let mut flood = Vec::new();
    for _ in 0..2_000 {
        if let Ok(stream) = TcpStream::connect(("127.0.0.1", server.port)).await {
            flood.push(stream);
        }
    }
    assert!(
        flood.len() >= 1_000,
        "only {} connections opened",
        flood.len()
    );
    // Health answers within a few seconds (the overflow's idle sockets last one second).
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut answered = None;
    while Instant::now() < deadline {
        answered = health(server.port).await;
        if answered == Some(200) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(answered, Some(200), "/health stopped answering");
    drop(flood);
    let log = std::fs::read_to_string(&server.log).unwrap();
    assert!(
        !log.contains("Too many open files"),
        "the server ran out of descriptors:\n{log}"
    );
}
