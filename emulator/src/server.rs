//! Starting and stopping the emulator, and inspecting it while it runs.
//!
//! Connections are accepted by a small loop of our own (not `axum::serve`)
//! so that a fault can close one without answering: the handler marks its
//! response, and the connection's task drops the socket instead of writing it.

use std::collections::VecDeque;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use hyper_util::rt::TokioIo;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{oneshot, Notify};
use tokio::task::JoinSet;
use tower::ServiceExt;

use crate::auth::NonceStore;
use crate::engine::store::{CertificateView, JobView};
use crate::engine::Engine;
use crate::engine::Model;
use crate::faults::{FaultConfig, FaultHandle, FaultRule};
use crate::http::{DropConnection, Shared};
use crate::idempotency::Idempotency;
use crate::state::ListenerState;
use crate::state::{AccessKey, StateFile};

pub use crate::http::RequestRecord;

/// Entry point: `Emulator::builder()...start().await`.
#[derive(Debug, Clone, Copy)]
pub struct Emulator;

impl Emulator {
    pub fn builder() -> EmulatorBuilder {
        EmulatorBuilder::default()
    }
}

/// Configures an emulator before it starts.
#[derive(Debug, Clone)]
pub struct EmulatorBuilder {
    listen: SocketAddr,
    state: Option<StateFile>,
    job_delay: Option<Duration>,
    faults: Option<FaultConfig>,
    extra_rules: Vec<FaultRule>,
    extra_keys: Vec<AccessKey>,
    body_timeout: Duration,
    nonce_capacity: usize,
}

/// How long a declared request body may take to arrive.
pub const DEFAULT_BODY_TIMEOUT: Duration = Duration::from_secs(30);

impl Default for EmulatorBuilder {
    fn default() -> Self {
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            state: None,
            job_delay: None,
            faults: None,
            extra_rules: Vec::new(),
            extra_keys: Vec::new(),
            body_timeout: DEFAULT_BODY_TIMEOUT,
            nonce_capacity: crate::nonces::DEFAULT_NONCE_CAPACITY,
        }
    }
}

/// Why the emulator could not start.
#[derive(Debug)]
pub enum StartError {
    Bind(std::io::Error),
    InvalidState(String),
}

impl std::fmt::Display for StartError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StartError::Bind(e) => write!(f, "cannot listen: {e}"),
            StartError::InvalidState(e) => write!(f, "invalid state: {e}"),
        }
    }
}

impl std::error::Error for StartError {}

impl EmulatorBuilder {
    /// Address to listen on (default `127.0.0.1:0`, an ephemeral port).
    pub fn listen(mut self, addr: SocketAddr) -> Self {
        self.listen = addr;
        self
    }

    /// The initial state (default: [`StateFile::default`]).
    pub fn state(mut self, state: StateFile) -> Self {
        self.state = Some(state);
        self
    }

    /// How long asynchronous jobs take (default: the state's
    /// `job_delay_ms`, else 2000 ms).
    pub fn job_delay(mut self, delay: Duration) -> Self {
        self.job_delay = Some(delay);
        self
    }

    /// Faults to inject (replaces the state file's).
    pub fn faults(mut self, faults: FaultConfig) -> Self {
        self.faults = Some(faults);
        self
    }

    /// One more fault rule.
    pub fn fault(mut self, rule: FaultRule) -> Self {
        self.extra_rules.push(rule);
        self
    }

    /// One more accepted key pair.
    pub fn access_key(mut self, key: AccessKey) -> Self {
        self.extra_keys.push(key);
        self
    }

    /// How long a request body may take to arrive once its head is in
    /// (default 30 s, as the header read): a body declared and never sent
    /// is answered 408 `RequestTimeout` instead of holding the connection.
    pub fn body_timeout(mut self, timeout: Duration) -> Self {
        self.body_timeout = timeout;
        self
    }

    /// How many signature nonces are remembered at most (default 500,000,
    /// about 30 MB); see [`crate::nonces`].
    pub fn nonce_capacity(mut self, capacity: usize) -> Self {
        self.nonce_capacity = capacity;
        self
    }

    pub async fn start(self) -> Result<RunningEmulator, StartError> {
        let mut state = self.state.unwrap_or_default();
        state.access_keys.extend(self.extra_keys);
        state.check().map_err(StartError::InvalidState)?;
        let job_delay = self.job_delay.unwrap_or(Duration::from_millis(
            state.job_delay_ms.unwrap_or(crate::DEFAULT_JOB_DELAY_MS),
        ));
        let mut faults = self.faults.unwrap_or_else(|| state.faults.clone());
        faults.rules.extend(self.extra_rules);
        let primary_key = state.access_keys.first().cloned();
        let region = state.region.clone();

        let model = Arc::new(Mutex::new(Model::new(state, job_delay)));
        let fault_handle = FaultHandle::new(faults);
        let shared = Arc::new(Shared {
            engine: Engine::new(model.clone()),
            model,
            nonces: Mutex::new(NonceStore::with_capacity(self.nonce_capacity)),
            body_timeout: self.body_timeout,
            idempotency: Idempotency::default(),
            faults: fault_handle,
            log: Mutex::new(VecDeque::new()),
            region,
        });

        let listener = TcpListener::bind(self.listen)
            .await
            .map_err(StartError::Bind)?;
        let addr = listener.local_addr().map_err(StartError::Bind)?;
        let router = crate::http::router(shared.clone());
        let (tx, rx) = oneshot::channel();
        let task = tokio::spawn(accept_loop(listener, router, shared.region.clone(), rx));
        tracing::info!(%addr, "ALB emulator started");
        Ok(RunningEmulator {
            addr,
            shared,
            primary_key,
            shutdown: Some(tx),
            task: Some(task),
        })
    }
}

async fn accept_loop(
    listener: TcpListener,
    router: Router,
    region: String,
    mut shutdown: oneshot::Receiver<()>,
) {
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            _ = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, peer)) => {
                    tracing::trace!(%peer, "connection");
                    connections.spawn(serve_connection(stream, router.clone(), region.clone()));
                }
                Err(e) => {
                    // Out of file descriptors and the like: wait a little.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
            },
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
    connections.shutdown().await;
}

async fn serve_connection(stream: TcpStream, router: Router, region: String) {
    let _ = stream.set_nodelay(true);
    let kill = Arc::new(Notify::new());
    let kill_in_service = kill.clone();
    let service = hyper::service::service_fn(move |req: hyper::Request<hyper::body::Incoming>| {
        let router = router.clone();
        let kill = kill_in_service.clone();
        async move {
            // In a task of its own: a bug that panics answers 500 instead of
            // taking the connection down.
            let resp = match tokio::spawn(router.oneshot(req)).await {
                Ok(Ok(r)) => r,
                Ok(Err(never)) => match never {},
                Err(e) => crate::http::panic_response(&e.to_string()),
            };
            if resp.extensions().get::<DropConnection>().is_some() {
                kill.notify_one();
                std::future::pending::<()>().await;
            }
            Ok::<_, Infallible>(resp)
        }
    });
    let connection = hyper::server::conn::http1::Builder::new()
        .timer(hyper_util::rt::TokioTimer::new())
        .header_read_timeout(Duration::from_secs(30))
        .keep_alive(true)
        .serve_connection(
            TokioIo::new(crate::rejections::JsonRejections::new(stream, region)),
            service,
        );
    tokio::select! {
        result = connection => {
            if let Err(e) = result {
                tracing::debug!(error = %e, "connection ended with an error");
            }
        }
        // Dropping the connection closes the socket without an answer.
        _ = kill.notified() => tracing::debug!("connection dropped by a fault"),
    }
}

/// A started emulator. Dropping it stops the server (without waiting);
/// [`RunningEmulator::shutdown`] stops it and waits.
pub struct RunningEmulator {
    addr: SocketAddr,
    shared: Arc<Shared>,
    primary_key: Option<AccessKey>,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl std::fmt::Debug for RunningEmulator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RunningEmulator")
            .field("addr", &self.addr)
            .finish()
    }
}

impl RunningEmulator {
    /// `http://127.0.0.1:PORT`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// The region it answers for.
    pub fn region(&self) -> &str {
        &self.shared.region
    }

    /// The first key pair of the state (the default one unless the state
    /// file lists others first).
    pub fn access_key_id(&self) -> &str {
        self.primary_key
            .as_ref()
            .map_or("", |k| k.access_key_id.as_str())
    }

    pub fn access_key_secret(&self) -> &str {
        self.primary_key
            .as_ref()
            .map_or("", |k| k.access_key_secret.as_str())
    }

    /// Credentials of the first key pair.
    pub fn credentials(&self) -> alb_runtime::Credentials {
        alb_runtime::Credentials::new(self.access_key_id(), self.access_key_secret())
    }

    /// A client configuration pointing at this emulator (endpoint, region,
    /// credentials of the first key pair); adjust and `build()`.
    pub fn client_config(&self) -> alb_runtime::ConfigBuilder {
        alb_runtime::Config::builder()
            .endpoint_url(self.base_url())
            .region(self.region())
            .credentials(self.credentials())
    }

    fn model(&self) -> std::sync::MutexGuard<'_, Model> {
        let mut m = self.shared.model.lock().unwrap_or_else(|p| p.into_inner());
        m.settle(Instant::now());
        m
    }

    /// The listener's certificates (default first) with their statuses and
    /// association counts; empty if there is no such listener.
    pub fn listener_certificates(&self, listener_id: &str) -> Vec<CertificateView> {
        self.model().certificate_views(listener_id)
    }

    /// A listener, in the state file's short form.
    pub fn listener(&self, listener_id: &str) -> Option<ListenerState> {
        self.model()
            .get("Listener", listener_id)
            .map(ListenerState::from_record)
    }

    /// A record of any resource type, by wire names (`"ServerGroup"`, ID).
    pub fn resource(&self, kind: &str, id: &str) -> Option<serde_json::Value> {
        self.model().get(kind, id).cloned()
    }

    /// Every record of a resource type, in creation order.
    pub fn resources(&self, kind: &str) -> Vec<serde_json::Value> {
        self.model().all(kind).to_vec()
    }

    /// The whole state now, in the state file's format.
    pub fn snapshot(&self) -> StateFile {
        self.model().snapshot()
    }

    /// Changes the state in place (for tests: put a listener in a given
    /// status, change a quota, ...).
    pub fn with_state<R>(&self, f: impl FnOnce(&mut Model) -> R) -> R {
        f(&mut self.model())
    }

    pub fn jobs(&self) -> Vec<JobView> {
        self.model().job_views()
    }

    /// Every request handled so far (the last 10 000), oldest first.
    pub fn requests(&self) -> Vec<RequestRecord> {
        self.shared
            .log
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .iter()
            .cloned()
            .collect()
    }

    /// The live fault configuration.
    pub fn faults(&self) -> &FaultHandle {
        &self.shared.faults
    }

    /// Stops accepting, closes every connection and waits for the server task.
    pub async fn shutdown(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for RunningEmulator {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}
