//! `serve` over a real socket on SQLite: open a fresh data folder, sign in over HTTP/1.1, read the
//! checkpoint, record the peer address in the audit log, and shut down gracefully.

use std::time::Duration;

use liuhen_core::ids::UserId;
use liuhen_core::ports::{AuditQuery, Store};
use liuhen_core::registry::UserProfile;
use liuhen_web::password::{PasswordParams, hash_password};
use liuhen_web::serve::{ServeConfig, open, serve_with};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

/// One HTTP/1.1 exchange with `Connection: close`; returns status line + headers and body.
async fn exchange(addr: std::net::SocketAddr, request: String) -> (String, String) {
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut response = Vec::new();
    stream.read_to_end(&mut response).await.unwrap();
    let text = String::from_utf8(response).unwrap();
    let (head, body) = text.split_once("\r\n\r\n").unwrap();
    (head.to_owned(), body.to_owned())
}

#[tokio::test]
async fn serves_a_fresh_sqlite_data_folder_and_shuts_down_gracefully() {
    let dir = tempfile::tempdir().unwrap();
    let mut config = ServeConfig::new(dir.path());
    config.origin = "liuhen.test/serve".to_owned();
    config.web.password_params = PasswordParams::INSECURE_FAST;
    let opened = open(&config).await.unwrap();
    assert!(dir.path().join("liuhen.db").exists());
    assert!(dir.path().join("keys/checkpoint.key").exists());

    let admin = UserId::new("admin").unwrap();
    let services = opened.state.services.clone();
    services
        .bootstrap_admin(
            &admin,
            UserProfile {
                username: "admin".into(),
                name: "管理员".into(),
                officer: None,
            },
        )
        .await
        .unwrap();
    let phc = hash_password("管理员口令", PasswordParams::INSECURE_FAST).unwrap();
    opened
        .store
        .set_password_hash(&admin, "admin", &phc)
        .await
        .unwrap();

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(serve_with(opened.state.clone(), listener, async move {
        let _ = stopped.await;
    }));

    let login = r#"{"username":"admin","password":"管理员口令"}"#;
    let (head, body) = exchange(
        addr,
        format!(
            "POST /api/v1/session HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{login}",
            login.len()
        ),
    )
    .await;
    assert!(head.starts_with("HTTP/1.1 200"), "{head}\n{body}");
    assert!(
        head.to_ascii_lowercase().contains("x-request-id:"),
        "{head}"
    );

    let (head, body) = exchange(
        addr,
        format!("GET /api/v1/log/checkpoint HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"),
    )
    .await;
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    assert!(body.starts_with("liuhen.test/serve\n"), "{body}");

    let entries = opened
        .store
        .read_audit(&AuditQuery {
            object_prefix: None,
            user: None,
            limit: 10,
        })
        .await
        .unwrap();
    let login_entry = entries
        .iter()
        .find(|entry| entry.action == "login")
        .unwrap();
    assert_eq!(login_entry.client_ip.as_deref(), Some("127.0.0.1"));

    stop.send(()).unwrap();
    tokio::time::timeout(Duration::from_secs(10), server)
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    opened.store.close().await;
    let verifier_keys = opened.state.log_keys.verifier_keys.clone();
    // The portal's search index in the folder has one writer per process: the old state must
    // be gone before the folder is opened again (as after `liuhen serve` stops).
    drop(opened);

    // Reopening the same folder reuses the key and the log.
    let reopened = open(&config).await.unwrap();
    assert_eq!(reopened.state.log_keys.verifier_keys, verifier_keys);
    assert!(reopened.state.services.log_state().await.unwrap().size > 0);
    reopened.store.close().await;
}
