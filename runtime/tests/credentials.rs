//! Credential providers against files in a temporary directory and HTTP
//! servers on 127.0.0.1. Nothing here reads the real environment or home
//! directory, and nothing is sent to a non-loopback address.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use alb_runtime::credentials::{
    cli_profile_region, vars, CliProfileProvider, Credentials, CredentialsError,
    CredentialsUriProvider, DefaultCredentialsChain, EcsRamRoleProvider, Env, EnvProvider,
    IniFileProvider, ProvideCredentials,
};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// Every secret and token used below contains this marker; no Debug or
/// Display output may contain it.
const MARK: &str = "dontleak";

fn secret(n: &str) -> String {
    format!("SECRET-{MARK}-{n}")
}

fn token(n: &str) -> String {
    format!("TOKEN-{MARK}-{n}")
}

/// Asserts that the Debug and Display of an error carry no secret.
fn assert_clean_err(e: &CredentialsError) {
    let shown = format!("{e} || {e:?}");
    assert!(!shown.contains(MARK), "secret leaked: {shown}");
}

/// Asserts that the Debug of a value carries no secret.
fn assert_clean_debug(v: &impl std::fmt::Debug) {
    let shown = format!("{v:?} || {v:#?}");
    assert!(!shown.contains(MARK), "secret leaked: {shown}");
}

// ---------------------------------------------------------------- temp dirs

struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> Self {
        static N: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "alb-creds-{}-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::SeqCst),
            name
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }

    fn path(&self) -> &Path {
        &self.0
    }

    fn write(&self, rel: &str, content: &str) -> PathBuf {
        let p = self.0.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, content).unwrap();
        p
    }

    /// An environment whose `HOME` is this directory, plus `vars`.
    fn env(&self, vars: &[(&str, &str)]) -> Env {
        let mut map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        map.insert("HOME".into(), self.0.display().to_string());
        Env::from_map(map)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

// ------------------------------------------------------------- test server

#[derive(Debug, Clone)]
struct Request {
    method: String,
    path: String,
    headers: HashMap<String, String>,
}

type Handler = Arc<dyn Fn(&Request) -> (u16, String) + Send + Sync>;

/// A one-request-per-connection HTTP/1.1 server on 127.0.0.1.
struct TestServer {
    addr: SocketAddr,
    log: Arc<Mutex<Vec<Request>>>,
    task: tokio::task::JoinHandle<()>,
}

impl TestServer {
    async fn start(handler: Handler) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let log = Arc::new(Mutex::new(Vec::new()));
        let log2 = log.clone();
        let task = tokio::spawn(async move {
            loop {
                let Ok((mut sock, _)) = listener.accept().await else {
                    return;
                };
                let handler = handler.clone();
                let log = log2.clone();
                tokio::spawn(async move {
                    let mut buf = Vec::new();
                    let mut chunk = [0u8; 1024];
                    while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
                        match sock.read(&mut chunk).await {
                            Ok(0) | Err(_) => return,
                            Ok(n) => buf.extend_from_slice(&chunk[..n]),
                        }
                    }
                    let text = String::from_utf8_lossy(&buf).to_string();
                    let mut lines = text.split("\r\n");
                    let mut first = lines.next().unwrap_or("").split(' ');
                    let method = first.next().unwrap_or("").to_string();
                    let path = first.next().unwrap_or("").to_string();
                    let headers = lines
                        .take_while(|l| !l.is_empty())
                        .filter_map(|l| l.split_once(':'))
                        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
                        .collect();
                    let req = Request {
                        method,
                        path,
                        headers,
                    };
                    let (status, body) = handler(&req);
                    log.lock().unwrap().push(req);
                    let resp = format!(
                        "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                        body.len()
                    );
                    let _ = sock.write_all(resp.as_bytes()).await;
                    let _ = sock.shutdown().await;
                });
            }
        });
        TestServer { addr, log, task }
    }

    fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    fn requests(&self) -> Vec<Request> {
        self.log.lock().unwrap().clone()
    }

    fn count(&self, method: &str, path: &str) -> usize {
        self.requests()
            .iter()
            .filter(|r| r.method == method && r.path == path)
            .count()
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

fn expiration_in(secs: i64) -> String {
    let t = time::OffsetDateTime::now_utc() + time::Duration::seconds(secs);
    t.format(time::macros::format_description!(
        "[year]-[month]-[day]T[hour]:[minute]:[second]Z"
    ))
    .unwrap()
}

fn session_json(n: usize, expires_in: i64) -> String {
    serde_json::json!({
        "AccessKeyId": format!("STS.id-{n}"),
        "AccessKeySecret": secret(&n.to_string()),
        "SecurityToken": token(&n.to_string()),
        "Expiration": expiration_in(expires_in),
        "Code": "Success",
        "LastUpdated": "2024-01-01T00:00:00Z",
    })
    .to_string()
}

const ROLE: &str = "test-role";
const META_TOKEN: &str = "meta-token-abc";
const TOKEN_PATH: &str = "/latest/api/token";
const ROLES_PATH: &str = "/latest/meta-data/ram/security-credentials/";

/// A fake ECS metadata service: IMDSv2 only (GETs without the token get
/// 401), credentials numbered by fetch, expiring `expires_in` seconds later.
struct FakeImds {
    server: TestServer,
    expires_in: Arc<AtomicI64>,
    token_enabled: Arc<AtomicBool>,
    fetches: Arc<AtomicUsize>,
}

impl FakeImds {
    async fn start() -> Self {
        let expires_in = Arc::new(AtomicI64::new(3600));
        let token_enabled = Arc::new(AtomicBool::new(true));
        let fetches = Arc::new(AtomicUsize::new(0));
        let (e, t, f) = (expires_in.clone(), token_enabled.clone(), fetches.clone());
        let handler: Handler = Arc::new(move |req: &Request| {
            if req.method == "PUT" && req.path == TOKEN_PATH {
                if !t.load(Ordering::SeqCst) {
                    return (403, "forbidden".into());
                }
                match req.headers.get("x-aliyun-ecs-metadata-token-ttl-seconds") {
                    Some(ttl) if ttl.parse::<u32>().is_ok() => return (200, META_TOKEN.into()),
                    _ => return (400, "missing ttl".into()),
                }
            }
            if req.method != "GET" {
                return (405, String::new());
            }
            if req
                .headers
                .get("x-aliyun-ecs-metadata-token")
                .map(String::as_str)
                != Some(META_TOKEN)
            {
                return (401, "token required".into());
            }
            if req.path == ROLES_PATH {
                return (200, ROLE.into());
            }
            if req.path == format!("{ROLES_PATH}{ROLE}") {
                let n = f.fetch_add(1, Ordering::SeqCst) + 1;
                return (200, session_json(n, e.load(Ordering::SeqCst)));
            }
            (404, "not found".into())
        });
        FakeImds {
            server: TestServer::start(handler).await,
            expires_in,
            token_enabled,
            fetches,
        }
    }

    fn fetches(&self) -> usize {
        self.fetches.load(Ordering::SeqCst)
    }
}

/// A credentials URI server: `/creds` gives numbered credentials; `/fail`
/// gives a non-Success code; anything else 500.
struct FakeUri {
    server: TestServer,
    expires_in: Arc<AtomicI64>,
    fetches: Arc<AtomicUsize>,
}

impl FakeUri {
    async fn start() -> Self {
        let expires_in = Arc::new(AtomicI64::new(3600));
        let fetches = Arc::new(AtomicUsize::new(0));
        let (e, f) = (expires_in.clone(), fetches.clone());
        let handler: Handler = Arc::new(move |req: &Request| {
            let path = req.path.split('?').next().unwrap_or("");
            match (req.method.as_str(), path) {
                ("GET", "/creds") => {
                    let n = f.fetch_add(1, Ordering::SeqCst) + 1;
                    (200, session_json(n, e.load(Ordering::SeqCst)))
                }
                ("GET", "/fail") => (
                    200,
                    serde_json::json!({"Code": "Forbidden", "AccessKeySecret": secret("fail")})
                        .to_string(),
                ),
                _ => (500, format!("oops {}", secret("500"))),
            }
        });
        FakeUri {
            server: TestServer::start(handler).await,
            expires_in,
            fetches,
        }
    }

    fn fetches(&self) -> usize {
        self.fetches.load(Ordering::SeqCst)
    }
}

// ------------------------------------------------------------- environment

#[tokio::test]
async fn env_provider_reads_the_given_map() {
    let env = Env::from_map([
        (vars::ACCESS_KEY_ID, "env-id"),
        (vars::ACCESS_KEY_SECRET, secret("env").as_str()),
        (vars::SECURITY_TOKEN, token("env").as_str()),
    ]);
    let creds = EnvProvider::with_env(env).provide().await.unwrap();
    assert_eq!(creds.access_key_id(), "env-id");
    assert_eq!(creds.access_key_secret(), secret("env"));
    assert_eq!(creds.security_token(), Some(token("env").as_str()));
    assert_eq!(creds.provider(), "env");
    assert_clean_debug(&creds);

    let err = EnvProvider::with_env(Env::from_map([(
        vars::ACCESS_KEY_SECRET,
        secret("x").as_str(),
    )]))
    .provide()
    .await
    .unwrap_err();
    assert!(err.to_string().contains(vars::ACCESS_KEY_ID), "{err}");
    assert_clean_err(&err);
}

// ------------------------------------------------------- CLI config.json

fn cli_config() -> String {
    serde_json::json!({
        "current": "main",
        "profiles": [
            {"name": "main", "mode": "AK", "access_key_id": "ak-main",
             "access_key_secret": secret("main"), "region_id": "cn-hangzhou"},
            {"name": "sts", "mode": "StsToken", "access_key_id": "STS.ak-sts",
             "access_key_secret": secret("sts"), "sts_token": token("sts"),
             "region_id": "cn-shanghai"},
            {"name": "role", "mode": "RamRoleArn", "access_key_id": "ak-role",
             "access_key_secret": secret("role"), "ram_role_arn": "acs:ram::1:role/x",
             "region_id": "cn-beijing"},
            {"name": "ecs", "mode": "EcsRamRole", "ram_role_name": "x"},
            {"name": "half", "mode": "AK", "access_key_id": "ak-half"}
        ]
    })
    .to_string()
}

#[tokio::test]
async fn cli_profile_ak_mode_from_current() {
    let dir = TempDir::new("cli-ak");
    dir.write(".aliyun/config.json", &cli_config());
    let p = CliProfileProvider::from_env(&dir.env(&[]));
    assert_eq!(
        p.path(),
        Some(dir.path().join(".aliyun/config.json").as_path())
    );
    let c = p.provide().await.unwrap();
    assert_eq!(c.access_key_id(), "ak-main");
    assert_eq!(c.access_key_secret(), secret("main"));
    assert_eq!(c.security_token(), None);
    assert_eq!(c.provider(), "cli_profile/static_ak");
    assert_eq!(p.region_id().unwrap().as_deref(), Some("cn-hangzhou"));
    assert_clean_debug(&c);
    assert_clean_debug(&p);
}

#[tokio::test]
async fn cli_profile_sts_mode_selected_by_env() {
    let dir = TempDir::new("cli-sts");
    dir.write(".aliyun/config.json", &cli_config());
    let env = dir.env(&[(vars::PROFILE, "sts")]);
    let p = CliProfileProvider::from_env(&env);
    let c = p.provide().await.unwrap();
    assert_eq!(c.access_key_id(), "STS.ak-sts");
    assert_eq!(c.security_token(), Some(token("sts").as_str()));
    assert_eq!(c.provider(), "cli_profile/static_sts");
    assert_eq!(cli_profile_region(&env).as_deref(), Some("cn-shanghai"));
    // An explicit name beats the environment.
    let p = CliProfileProvider::from_env(&env).with_profile_name("main");
    assert_eq!(p.provide().await.unwrap().access_key_id(), "ak-main");
}

#[tokio::test]
async fn cli_profile_errors() {
    let dir = TempDir::new("cli-err");
    let path = dir.write("custom/config.json", &cli_config());

    // Missing profile: not found, names it.
    let p = CliProfileProvider::from_env(&dir.env(&[(vars::PROFILE, "nope")])).with_path(&path);
    let e = p.provide().await.unwrap_err();
    assert!(e.is_not_found(), "{e:?}");
    assert!(e.to_string().contains("`nope`"), "{e}");
    assert_eq!(p.region_id().unwrap(), None);
    assert_clean_err(&e);

    // Unsupported modes name the profile and the mode.
    for (name, mode) in [("role", "RamRoleArn"), ("ecs", "EcsRamRole")] {
        let p = CliProfileProvider::from_env(&dir.env(&[]))
            .with_path(&path)
            .with_profile_name(name);
        let e = p.provide().await.unwrap_err();
        assert!(matches!(e, CredentialsError::Unsupported { .. }), "{e:?}");
        let text = e.to_string();
        assert!(
            text.contains(&format!("`{name}`")) && text.contains(mode),
            "{text}"
        );
        assert!(text.contains(&path.display().to_string()), "{text}");
        assert_clean_err(&e);
    }
    // The region is available whatever the mode.
    let p = CliProfileProvider::from_env(&dir.env(&[]))
        .with_path(&path)
        .with_profile_name("role");
    assert_eq!(p.region_id().unwrap().as_deref(), Some("cn-beijing"));

    // Missing secret: names the key.
    let e = CliProfileProvider::from_env(&dir.env(&[]))
        .with_path(&path)
        .with_profile_name("half")
        .provide()
        .await
        .unwrap_err();
    assert!(e.to_string().contains("access_key_secret"), "{e}");
    assert_clean_err(&e);

    // Missing file: not found, no region.
    let p = CliProfileProvider::from_env(&dir.env(&[])).with_path(dir.path().join("none.json"));
    assert!(p.provide().await.unwrap_err().is_not_found());
    assert_eq!(p.region_id().unwrap(), None);

    // Disabled.
    let p = CliProfileProvider::from_env(&dir.env(&[(vars::CLI_PROFILE_DISABLED, "true")]))
        .with_path(&path);
    let e = p.provide().await.unwrap_err();
    assert!(
        e.is_not_found() && e.to_string().contains("disabled"),
        "{e}"
    );

    // Malformed JSON names the file and does not quote it.
    let bad = dir.write(
        "bad/config.json",
        &format!(
            r#"{{"current": "main", "profiles": [{{"access_key_secret": "{}" "#,
            secret("bad")
        ),
    );
    let p = CliProfileProvider::from_env(&dir.env(&[])).with_path(&bad);
    let e = p.provide().await.unwrap_err();
    assert!(matches!(e, CredentialsError::InvalidConfig { .. }), "{e:?}");
    assert!(e.to_string().contains(&bad.display().to_string()), "{e}");
    assert!(e.to_string().contains("malformed JSON"), "{e}");
    assert_clean_err(&e);
    assert!(p.region_id().is_err());
    assert_eq!(cli_profile_region(&dir.env(&[])), None);
}

// ------------------------------------------------------ credentials.ini

fn ini_file(ecs_endpoint_role: &str) -> String {
    format!(
        "[default]\ntype = access_key   # the usual\naccess_key_id = ini-id\naccess_key_secret = {}\n\n\
         [other]\ntype = access_key\naccess_key_id = ini-other\naccess_key_secret = {}\n\n\
         [ecs]\ntype = ecs_ram_role\nrole_name = {ecs_endpoint_role}\n\n\
         [discover]\ntype = ecs_ram_role\n\n\
         [arn]\ntype = ram_role_arn\naccess_key_id = x\naccess_key_secret = {}\nrole_arn = acs:ram::1:role/x\n\n\
         [half]\ntype = access_key\naccess_key_id = only-id\n",
        secret("ini"),
        secret("ini-other"),
        secret("ini-arn"),
    )
}

#[tokio::test]
async fn ini_access_key_default_section() {
    let dir = TempDir::new("ini-ak");
    dir.write(".alibabacloud/credentials.ini", &ini_file(ROLE));
    let p = IniFileProvider::from_env(&dir.env(&[]));
    let c = p.provide().await.unwrap();
    assert_eq!(c.access_key_id(), "ini-id");
    assert_eq!(c.access_key_secret(), secret("ini"));
    assert_eq!(c.provider(), "profile/static_ak");
    assert_clean_debug(&c);
    assert_clean_debug(&p);
}

#[tokio::test]
async fn ini_profile_and_file_from_env() {
    let dir = TempDir::new("ini-env");
    let path = dir.write("elsewhere/creds.ini", &ini_file(ROLE));
    let path_s = path.display().to_string();
    let env = dir.env(&[(vars::CREDENTIALS_FILE, &path_s), (vars::PROFILE, "other")]);
    let p = IniFileProvider::from_env(&env);
    assert_eq!(p.path(), Some(path.as_path()));
    assert_eq!(p.provide().await.unwrap().access_key_id(), "ini-other");
}

#[tokio::test]
async fn ini_errors() {
    let dir = TempDir::new("ini-err");
    let path = dir.write("c.ini", &ini_file(ROLE));
    let provider = |name: &str| {
        IniFileProvider::from_env(&dir.env(&[]))
            .with_path(&path)
            .with_profile_name(name)
    };

    let e = provider("arn").provide().await.unwrap_err();
    assert!(matches!(e, CredentialsError::Unsupported { .. }), "{e:?}");
    assert!(
        e.to_string().contains("ram_role_arn") && e.to_string().contains("`arn`"),
        "{e}"
    );
    assert_clean_err(&e);

    let e = provider("half").provide().await.unwrap_err();
    assert!(e.to_string().contains("[half].access_key_secret"), "{e}");
    assert_clean_err(&e);

    let e = provider("missing").provide().await.unwrap_err();
    assert!(
        e.is_not_found() && e.to_string().contains("[missing]"),
        "{e}"
    );

    let e = IniFileProvider::from_env(&dir.env(&[]))
        .with_path(dir.path().join("nope.ini"))
        .provide()
        .await
        .unwrap_err();
    assert!(e.is_not_found(), "{e:?}");

    let bad = dir.write("bad.ini", &format!("[default]\n{}\n", secret("line")));
    let e = IniFileProvider::from_env(&dir.env(&[]))
        .with_path(&bad)
        .provide()
        .await
        .unwrap_err();
    assert!(e.to_string().contains("line 2"), "{e}");
    assert_clean_err(&e);

    // ecs_ram_role with the metadata service disabled.
    let e = IniFileProvider::from_env(&dir.env(&[(vars::ECS_METADATA_DISABLED, "true")]))
        .with_path(&path)
        .with_profile_name("ecs")
        .provide()
        .await
        .unwrap_err();
    assert!(e.to_string().contains(vars::ECS_METADATA_DISABLED), "{e}");
}

#[tokio::test]
async fn ini_ecs_ram_role_section_uses_metadata_service() {
    let imds = FakeImds::start().await;
    let dir = TempDir::new("ini-ecs");
    let path = dir.write("c.ini", &ini_file(ROLE));
    for section in ["ecs", "discover"] {
        let p = IniFileProvider::from_env(&dir.env(&[]))
            .with_path(&path)
            .with_profile_name(section)
            .with_ecs_settings(EcsRamRoleProvider::builder().endpoint(imds.server.url()));
        let c = p.provide().await.unwrap();
        assert!(c.access_key_id().starts_with("STS.id-"));
        assert_eq!(c.provider(), "profile/ecs_ram_role");
        // Cached by the inner ECS provider.
        let again = p.provide().await.unwrap();
        assert_eq!(again.access_key_id(), c.access_key_id());
    }
    assert_eq!(imds.fetches(), 2);
    assert_eq!(
        imds.server.count("GET", ROLES_PATH),
        1,
        "only [discover] looks the role up"
    );
}

// ---------------------------------------------------------- ECS RAM role

fn ecs(imds: &FakeImds) -> EcsRamRoleProvider {
    EcsRamRoleProvider::builder()
        .endpoint(imds.server.url())
        .role_name(ROLE)
        .build()
        .unwrap()
}

#[tokio::test]
async fn ecs_fetches_with_token_and_caches() {
    let imds = FakeImds::start().await;
    let p = ecs(&imds);
    let c1 = p.provide().await.unwrap();
    let c2 = p.provide().await.unwrap();
    assert_eq!(c1.access_key_id(), "STS.id-1");
    assert_eq!(c1.access_key_secret(), secret("1"));
    assert_eq!(c1.security_token(), Some(token("1").as_str()));
    assert_eq!(c1.provider(), "ecs_ram_role");
    let expiry = c1.expiry().unwrap();
    let left = expiry.duration_since(SystemTime::now()).unwrap();
    assert!(
        left > Duration::from_secs(3500) && left <= Duration::from_secs(3600),
        "{left:?}"
    );
    assert_eq!(c1, c2);
    assert_eq!(imds.fetches(), 1, "two calls, one fetch");

    // Every metadata request carried the token; the token request its TTL.
    let reqs = imds.server.requests();
    assert_eq!(reqs.len(), 2, "{reqs:?}");
    assert_eq!(reqs[0].method, "PUT");
    assert_eq!(reqs[0].path, TOKEN_PATH);
    assert_eq!(
        reqs[0]
            .headers
            .get("x-aliyun-ecs-metadata-token-ttl-seconds")
            .map(String::as_str),
        Some("21600")
    );
    assert_eq!(reqs[1].path, format!("{ROLES_PATH}{ROLE}"));
    assert_eq!(
        reqs[1]
            .headers
            .get("x-aliyun-ecs-metadata-token")
            .map(String::as_str),
        Some(META_TOKEN)
    );
    assert_clean_debug(&c1);
    assert_clean_debug(&p);
}

#[tokio::test]
async fn ecs_discovers_role_name() {
    let imds = FakeImds::start().await;
    let p = EcsRamRoleProvider::builder()
        .endpoint(imds.server.url())
        .build()
        .unwrap();
    assert_eq!(p.role_name(), None);
    let c = p.provide().await.unwrap();
    assert_eq!(c.access_key_id(), "STS.id-1");
    assert_eq!(imds.server.count("GET", ROLES_PATH), 1);
    assert_eq!(imds.server.count("GET", &format!("{ROLES_PATH}{ROLE}")), 1);
}

#[tokio::test]
async fn ecs_refreshes_near_expiry() {
    let imds = FakeImds::start().await;
    imds.expires_in.store(120, Ordering::SeqCst); // inside the 3-minute window
    let p = ecs(&imds);
    assert_eq!(p.provide().await.unwrap().access_key_id(), "STS.id-1");
    imds.expires_in.store(3600, Ordering::SeqCst);
    assert_eq!(p.provide().await.unwrap().access_key_id(), "STS.id-2");
    assert_eq!(p.provide().await.unwrap().access_key_id(), "STS.id-2");
    assert_eq!(imds.fetches(), 2);

    // A larger window refreshes earlier.
    let p = EcsRamRoleProvider::builder()
        .endpoint(imds.server.url())
        .role_name(ROLE)
        .refresh_window(Duration::from_secs(7200))
        .build()
        .unwrap();
    let a = p.provide().await.unwrap();
    let b = p.provide().await.unwrap();
    assert_ne!(a.access_key_id(), b.access_key_id());
}

#[tokio::test]
async fn ecs_concurrent_callers_share_one_fetch() {
    let imds = FakeImds::start().await;
    let p = Arc::new(ecs(&imds));
    let tasks: Vec<_> = (0..20)
        .map(|_| {
            let p = p.clone();
            tokio::spawn(async move { p.provide().await.unwrap().access_key_id().to_string() })
        })
        .collect();
    for t in tasks {
        assert_eq!(t.await.unwrap(), "STS.id-1");
    }
    assert_eq!(imds.fetches(), 1);
    assert_eq!(imds.server.count("PUT", TOKEN_PATH), 1);
}

#[tokio::test]
async fn ecs_without_token_fails() {
    let imds = FakeImds::start().await;
    imds.token_enabled.store(false, Ordering::SeqCst);
    let p = ecs(&imds);
    let e = p.provide().await.unwrap_err();
    match &e {
        CredentialsError::FetchFailed { url, status, .. } => {
            assert_eq!(*status, Some(403));
            assert!(url.ends_with(TOKEN_PATH), "{url}");
        }
        other => panic!("{other:?}"),
    }
    assert!(e.to_string().contains("metadata token"), "{e}");
    assert_eq!(imds.fetches(), 0, "no credentials request without a token");
    assert_eq!(imds.server.count("GET", &format!("{ROLES_PATH}{ROLE}")), 0);
    assert_clean_err(&e);
}

#[tokio::test]
async fn ecs_unknown_role_and_unreachable() {
    let imds = FakeImds::start().await;
    let p = EcsRamRoleProvider::builder()
        .endpoint(imds.server.url())
        .role_name("other-role")
        .build()
        .unwrap();
    let e = p.provide().await.unwrap_err();
    assert!(
        matches!(
            e,
            CredentialsError::FetchFailed {
                status: Some(404),
                ..
            }
        ),
        "{e:?}"
    );

    // A closed port on loopback: a connection error, quickly.
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap()
    };
    let p = EcsRamRoleProvider::builder()
        .endpoint(format!("http://{closed}"))
        .role_name(ROLE)
        .build()
        .unwrap();
    let e = p.provide().await.unwrap_err();
    assert!(
        matches!(e, CredentialsError::FetchFailed { status: None, .. }),
        "{e:?}"
    );
}

// ------------------------------------------------------- credentials URI

#[tokio::test]
async fn uri_fetches_and_caches() {
    let srv = FakeUri::start().await;
    let uri = format!("{}/creds?auth={}", srv.server.url(), token("query"));
    let p = CredentialsUriProvider::new(&uri).unwrap();
    let c1 = p.provide().await.unwrap();
    let c2 = p.provide().await.unwrap();
    assert_eq!(c1.access_key_id(), "STS.id-1");
    assert_eq!(c1.security_token(), Some(token("1").as_str()));
    assert_eq!(c1.provider(), "credential_uri");
    assert!(c1.expiry().is_some());
    assert_eq!(c1, c2);
    assert_eq!(srv.fetches(), 1);
    // The query string was sent.
    assert!(srv.server.requests()[0].path.contains("auth=TOKEN-"));
    assert_clean_debug(&p);

    srv.expires_in.store(60, Ordering::SeqCst);
    p.invalidate();
    assert_eq!(p.provide().await.unwrap().access_key_id(), "STS.id-2");
    assert_eq!(p.provide().await.unwrap().access_key_id(), "STS.id-3");
}

#[tokio::test]
async fn uri_errors() {
    let srv = FakeUri::start().await;

    let e = CredentialsUriProvider::new(format!("{}/fail?auth={}", srv.server.url(), token("q")))
        .unwrap()
        .provide()
        .await
        .unwrap_err();
    assert!(e.to_string().contains("`Forbidden`"), "{e}");
    assert!(e.to_string().contains("/fail?…"), "{e}");
    assert_clean_err(&e);

    let e = CredentialsUriProvider::new(format!("{}/boom", srv.server.url()))
        .unwrap()
        .provide()
        .await
        .unwrap_err();
    assert!(
        matches!(
            e,
            CredentialsError::FetchFailed {
                status: Some(500),
                ..
            }
        ),
        "{e:?}"
    );
    assert_clean_err(&e);
}

// --------------------------------------------------------- default chain

/// All sources configured at once: env, config.json, credentials.ini, ECS
/// (role name set, local endpoint) and URI (local).
struct World {
    dir: TempDir,
    imds: FakeImds,
    uri: FakeUri,
}

impl World {
    async fn new(name: &str) -> Self {
        let dir = TempDir::new(name);
        dir.write(".aliyun/config.json", &cli_config());
        dir.write(".alibabacloud/credentials.ini", &ini_file(ROLE));
        World {
            dir,
            imds: FakeImds::start().await,
            uri: FakeUri::start().await,
        }
    }

    fn chain(&self, with_env_keys: bool) -> DefaultCredentialsChain {
        let secret_env = secret("env");
        let uri = format!("{}/creds", self.uri.server.url());
        let mut vars: Vec<(&str, &str)> =
            vec![(vars::ECS_METADATA, ROLE), (vars::CREDENTIALS_URI, &uri)];
        if with_env_keys {
            vars.push((vars::ACCESS_KEY_ID, "env-id"));
            vars.push((vars::ACCESS_KEY_SECRET, &secret_env));
        }
        DefaultCredentialsChain::builder()
            .env(self.dir.env(&vars))
            .ecs_metadata_endpoint(self.imds.server.url())
            .build()
    }

    fn remove(&self, rel: &str) {
        std::fs::remove_file(self.dir.path().join(rel)).unwrap();
    }
}

#[tokio::test]
async fn chain_follows_the_official_order() {
    let w = World::new("chain-order").await;
    assert_eq!(
        w.chain(true).sources(),
        [
            "env",
            "cli_profile",
            "profile",
            "ecs_ram_role",
            "credential_uri"
        ]
    );

    // 1. env wins over everything.
    let c = w.chain(true).provide().await.unwrap();
    assert_eq!((c.access_key_id(), c.provider()), ("env-id", "default/env"));

    // 2. then the CLI profile file.
    let c = w.chain(false).provide().await.unwrap();
    assert_eq!(
        (c.access_key_id(), c.provider()),
        ("ak-main", "default/cli_profile/static_ak")
    );

    // 3. then credentials.ini.
    w.remove(".aliyun/config.json");
    let c = w.chain(false).provide().await.unwrap();
    assert_eq!(
        (c.access_key_id(), c.provider()),
        ("ini-id", "default/profile/static_ak")
    );

    // 4. then the ECS RAM role.
    w.remove(".alibabacloud/credentials.ini");
    assert_eq!(w.imds.fetches(), 0);
    let c = w.chain(false).provide().await.unwrap();
    assert_eq!(
        (c.access_key_id(), c.provider()),
        ("STS.id-1", "default/ecs_ram_role")
    );

    // 5. then the credentials URI.
    w.imds.token_enabled.store(false, Ordering::SeqCst);
    assert_eq!(w.uri.fetches(), 0);
    let c = w.chain(false).provide().await.unwrap();
    assert_eq!(
        (c.access_key_id(), c.provider()),
        ("STS.id-1", "default/credential_uri")
    );
    assert_eq!(w.uri.fetches(), 1);
}

#[tokio::test]
async fn chain_skips_broken_sources_and_lists_them() {
    let dir = TempDir::new("chain-broken");
    dir.write(".aliyun/config.json", "{ not json");
    dir.write(
        ".alibabacloud/credentials.ini",
        &format!(
            "[default]\ntype = ram_role_arn\naccess_key_secret = {}\n",
            secret("x")
        ),
    );
    let env = dir.env(&[(vars::ACCESS_KEY_SECRET, &secret("half-env"))]);
    let chain = DefaultCredentialsChain::builder().env(env).build();
    assert_eq!(chain.sources(), ["env", "cli_profile", "profile"]);
    let e = chain.provide().await.unwrap_err();
    let CredentialsError::NotFound { tried } = &e else {
        panic!("{e:?}")
    };
    assert_eq!(tried.len(), 5, "{tried:#?}");
    assert!(tried[0].starts_with("env: ") && tried[0].contains(vars::ACCESS_KEY_ID));
    assert!(tried[1].starts_with("cli_profile: ") && tried[1].contains("malformed JSON"));
    assert!(tried[2].starts_with("profile: ") && tried[2].contains("ram_role_arn"));
    assert!(tried[3].starts_with("ecs_ram_role: skipped"));
    assert!(tried[4].starts_with("credential_uri: skipped"));
    assert_clean_err(&e);

    // A broken config.json does not hide a good credentials.ini.
    dir.write(
        ".alibabacloud/credentials.ini",
        &format!(
            "[default]\ntype = access_key\naccess_key_id = good\naccess_key_secret = {}\n",
            secret("good")
        ),
    );
    let chain = DefaultCredentialsChain::builder().env(dir.env(&[])).build();
    assert_eq!(chain.provide().await.unwrap().access_key_id(), "good");
}

#[tokio::test]
async fn chain_reuses_the_source_that_worked() {
    let w = World::new("chain-reuse").await;
    let chain = w.chain(false);
    assert_eq!(chain.provide().await.unwrap().access_key_id(), "ak-main");
    // The CLI provider keeps what it loaded; removing the file changes nothing.
    w.remove(".aliyun/config.json");
    assert_eq!(chain.provide().await.unwrap().access_key_id(), "ak-main");

    // ECS credentials are cached through the chain.
    w.remove(".alibabacloud/credentials.ini");
    let chain = w.chain(false);
    for _ in 0..3 {
        assert_eq!(chain.provide().await.unwrap().access_key_id(), "STS.id-1");
    }
    assert_eq!(w.imds.fetches(), 1);
    assert_clean_debug(&chain);
}

#[tokio::test]
async fn chain_never_contacts_metadata_without_role_env() {
    // No ALIBABA_CLOUD_ECS_METADATA: the ECS source is not even built, so no
    // traffic can go to 100.100.100.200.
    let dir = TempDir::new("chain-no-ecs");
    let chain = DefaultCredentialsChain::builder().env(dir.env(&[])).build();
    assert!(!chain.sources().contains(&"ecs_ram_role"));
    let e = chain.provide().await.unwrap_err();
    assert!(e.is_not_found());
    assert!(e.to_string().contains(vars::ECS_METADATA), "{e}");
}

// ------------------------------------------------------------- redaction

#[tokio::test]
async fn credentials_and_errors_never_show_secrets() {
    let c = Credentials::new("id", secret("static")).with_security_token(token("static"));
    assert_clean_debug(&c);
    assert_clean_debug(&c.provide().await.unwrap());
    let expired = Credentials::new("id", secret("exp"))
        .with_expiry(SystemTime::now() - Duration::from_secs(1));
    assert_clean_err(&expired.provide().await.unwrap_err());

    let errors = [
        CredentialsError::NotFound {
            tried: vec!["a".into()],
        },
        CredentialsError::InvalidConfig {
            location: "/x".into(),
            key: Some("k".into()),
            reason: "r".into(),
        },
        CredentialsError::InvalidConfig {
            location: "/x".into(),
            key: None,
            reason: "r".into(),
        },
        CredentialsError::Unsupported {
            location: "/x".into(),
            profile: "p".into(),
            kind: "mode",
            value: "M".into(),
            supported: "AK",
        },
        CredentialsError::FetchFailed {
            url: "http://127.0.0.1/".into(),
            status: Some(500),
            reason: "r".into(),
        },
        CredentialsError::Expired { provider: "x" },
    ];
    for e in &errors {
        assert_clean_err(e);
    }

    let p = CliProfileProvider::from_env(&Env::from_map([
        (vars::ACCESS_KEY_SECRET, secret("env").as_str()),
        ("HOME", "/nonexistent"),
    ]));
    assert_clean_debug(&p);
    let env = Env::from_map([(vars::ACCESS_KEY_SECRET, secret("env"))]);
    assert_clean_debug(&env);
    assert_clean_debug(&EnvProvider::with_env(env.clone()));
    assert_clean_debug(&DefaultCredentialsChain::builder().env(env.clone()));
    assert_clean_debug(&DefaultCredentialsChain::builder().env(env).build());
}
