//! The emulator's world state: records of every resource type (JSON by
//! wire name, as the requests set them), the world around them, and the
//! asynchronous jobs that move records from one state to the next.
//!
//! Jobs complete lazily: every access first calls [`Model::settle`], which
//! applies the effects of each job whose time has come, oldest first. No
//! background task is needed and the outcome does not depend on scheduling.
//! A job marked to fail (fault `job_fails`) puts back the records it
//! changed, as they were before the call.

use std::collections::{BTreeMap, VecDeque};
use std::time::{Duration, Instant};

use serde_json::Value;

use super::json;
use crate::state::{AccessKey, ServerCertificate, StateFile};
use crate::world::World;
use alb_runtime::server::model::Model as Spec;

/// The spec's resource model (generated).
pub fn spec() -> &'static Spec {
    &alb_sdk::server::MODEL
}

/// Record fields the emulator keeps for itself (never answered: no
/// response has them).
pub mod internal {
    /// Access key IDs barred from a load balancer.
    pub const FORBIDDEN: &str = "_ForbiddenAccessKeys";
    /// Quotas of a load balancer: `{"Listeners": n, "Certificates": n}`.
    pub const QUOTAS: &str = "_Quotas";
    /// How many association calls attached an item (idempotent retries
    /// must not count twice).
    pub const COUNT: &str = "_AssociationCount";
}

/// What a job does when it completes.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// The record's status becomes `status`.
    Status {
        kind: &'static str,
        id: String,
        status: String,
    },
    /// The record (and every record below it) goes.
    Remove { kind: &'static str, id: String },
    /// A child item's status becomes `status`.
    ChildStatus {
        kind: &'static str,
        id: String,
        child: &'static str,
        key: Vec<String>,
        status: String,
    },
    /// A child item goes.
    ChildRemove {
        kind: &'static str,
        id: String,
        child: &'static str,
        key: Vec<String>,
    },
}

/// Why a job failed: the code and message ListAsynJobs reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobFailure {
    pub code: String,
    pub message: String,
}

#[derive(Debug, Clone)]
pub struct Job {
    pub job_id: String,
    pub action: String,
    /// ListAsynJobs' ResourceType (`listener`).
    pub resource_type: String,
    pub resource_id: String,
    pub complete_at: Instant,
    /// Milliseconds since the Unix epoch, as ListAsynJobs reports them.
    pub created_ms: i64,
    pub finished_ms: Option<i64>,
    pub done: bool,
    pub effects: Vec<Effect>,
    /// The records the call changed, as they were before it: put back when
    /// the job fails.
    pub before: Vec<(&'static str, String, Option<Value>)>,
    pub failure: Option<JobFailure>,
}

impl Job {
    /// `Processing`, `Succeeded` or `Failed`.
    pub fn status(&self) -> &'static str {
        match (self.done, &self.failure) {
            (false, _) => "Processing",
            (true, None) => "Succeeded",
            (true, Some(_)) => "Failed",
        }
    }

    /// `Create`, `Delete` or `Update`, from the operation's name.
    pub fn operate_type(&self) -> &'static str {
        if self.action.starts_with("Create") {
            "Create"
        } else if self.action.starts_with("Delete") {
            "Delete"
        } else {
            "Update"
        }
    }
}

/// A job, for inspection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobView {
    pub job_id: String,
    pub action: String,
    pub resource_id: String,
    /// `Processing`, `Succeeded` or `Failed`.
    pub status: String,
    pub failure: Option<JobFailure>,
}

/// Finished jobs kept for ListAsynJobs (the oldest go first).
pub const JOBS_KEPT: usize = 10_000;

/// Now, in milliseconds since the Unix epoch.
pub fn now_ms() -> i64 {
    (time::OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000) as i64
}

/// Now, as the service writes times (`2026-12-01T10:00:00Z`).
pub fn now_text() -> String {
    let now = time::OffsetDateTime::now_utc();
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        now.year(),
        u8::from(now.month()),
        now.day(),
        now.hour(),
        now.minute(),
        now.second()
    )
}

/// The world. Guarded by one mutex in the server; never held across an await.
#[derive(Debug)]
pub struct Model {
    pub region: String,
    pub access_keys: Vec<AccessKey>,
    pub certificates: Vec<ServerCertificate>,
    pub world: World,
    /// Records by resource type, in creation order.
    pub records: BTreeMap<&'static str, Vec<Value>>,
    /// Jobs in creation order; the oldest finished ones are dropped past
    /// [`JOBS_KEPT`].
    pub jobs: VecDeque<Job>,
    /// How many jobs were dropped from the front of `jobs`.
    jobs_dropped: usize,
    /// Positions (counted from the first job ever, dropped ones included)
    /// of the jobs not done yet: `settle` looks only at these.
    pending: Vec<usize>,
    pub job_delay: Duration,
    /// Jobs the request with this ID starts are to fail (fault `job_fails`).
    pub failing_requests: Vec<(String, JobFailure)>,
    ids: crate::faults::SplitMix64,
}

impl Model {
    pub fn new(state: StateFile, job_delay: Duration) -> Self {
        let seed = Instant::now().elapsed().as_nanos() as u64
            ^ u64::from(std::process::id()).rotate_left(32)
            ^ uuid::Uuid::new_v4().as_u64_pair().0;
        let records = state.records();
        Self {
            region: state.region,
            access_keys: state.access_keys,
            certificates: state.certificates,
            world: state.world,
            records,
            jobs: VecDeque::new(),
            jobs_dropped: 0,
            pending: Vec::new(),
            job_delay,
            failing_requests: Vec::new(),
            ids: crate::faults::SplitMix64(seed),
        }
    }

    /// The records of a type.
    pub fn all(&self, kind: &str) -> &[Value] {
        self.records.get(kind).map(Vec::as_slice).unwrap_or(&[])
    }

    /// The resource type's name as the spec spells it (a `&'static str`).
    pub fn kind(name: &str) -> Option<&'static str> {
        spec().resource(name).map(|r| r.name)
    }

    fn id_field(kind: &str) -> &'static str {
        spec().resource(kind).map_or("Id", |r| r.id)
    }

    pub fn get(&self, kind: &str, id: &str) -> Option<&Value> {
        let field = Self::id_field(kind);
        self.all(kind)
            .iter()
            .find(|r| r.get(field).and_then(Value::as_str) == Some(id))
    }

    pub fn get_mut(&mut self, kind: &str, id: &str) -> Option<&mut Value> {
        let field = Self::id_field(kind);
        self.records
            .get_mut(kind)?
            .iter_mut()
            .find(|r| r.get(field).and_then(Value::as_str) == Some(id))
    }

    pub fn insert(&mut self, kind: &'static str, record: Value) {
        self.records.entry(kind).or_default().push(record);
    }

    /// Puts `record` back in place of the one with its ID (or adds it).
    pub fn put(&mut self, kind: &'static str, id: &str, record: Value) {
        match self.get_mut(kind, id) {
            Some(slot) => *slot = record,
            None => self.insert(kind, record),
        }
    }

    /// Removes a record and, recursively, the records whose parent it is.
    pub fn remove(&mut self, kind: &str, id: &str) {
        let field = Self::id_field(kind);
        if let Some(list) = self.records.get_mut(kind) {
            list.retain(|r| r.get(field).and_then(Value::as_str) != Some(id));
        }
        let children: Vec<(&'static str, String)> = spec()
            .resources
            .iter()
            .filter(|r| r.parent == Some(kind))
            .flat_map(|r| {
                self.all(r.name)
                    .iter()
                    .filter(|c| c.get(field).and_then(Value::as_str) == Some(id))
                    .filter_map(|c| {
                        c.get(r.id)
                            .and_then(Value::as_str)
                            .map(|cid| (r.name, cid.to_string()))
                    })
                    .collect::<Vec<_>>()
            })
            .collect();
        for (k, cid) in children {
            self.remove(k, &cid);
        }
    }

    /// A fresh resource ID: `prefix` + 17 lowercase letters and digits.
    pub fn new_id(&mut self, prefix: &str) -> String {
        const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
        let mut id = String::from(prefix);
        for _ in 0..17 {
            let n = (self.ids.next_u64() % ALPHABET.len() as u64) as usize;
            id.push(ALPHABET[n] as char);
        }
        id
    }

    /// Starts a job for the request `request_id`, completing after the job
    /// delay; returns its ID.
    #[allow(clippy::too_many_arguments)]
    pub fn start_job(
        &mut self,
        request_id: &str,
        action: &str,
        resource_type: &str,
        resource_id: &str,
        effects: Vec<Effect>,
        before: Vec<(&'static str, String, Option<Value>)>,
    ) -> String {
        let job_id = uuid::Uuid::new_v4().to_string();
        let failure = self
            .failing_requests
            .iter()
            .find(|(id, _)| id == request_id)
            .map(|(_, f)| f.clone());
        self.pending.push(self.jobs_dropped + self.jobs.len());
        self.jobs.push_back(Job {
            job_id: job_id.clone(),
            action: action.to_string(),
            resource_type: resource_type.to_ascii_lowercase(),
            resource_id: resource_id.to_string(),
            complete_at: Instant::now() + self.job_delay,
            created_ms: now_ms(),
            finished_ms: None,
            done: false,
            effects,
            before,
            failure,
        });
        job_id
    }

    /// Applies every job due by `now`, oldest completion first. Costs the
    /// number of pending jobs, not of the jobs kept.
    pub fn settle(&mut self, now: Instant) {
        loop {
            let dropped = self.jobs_dropped;
            let next = self
                .pending
                .iter()
                .enumerate()
                .filter(|(_, g)| self.jobs[**g - dropped].complete_at <= now)
                .min_by_key(|(_, g)| self.jobs[**g - dropped].complete_at)
                .map(|(p, g)| (p, *g - dropped));
            let Some((p, i)) = next else { break };
            self.pending.swap_remove(p);
            let job = &mut self.jobs[i];
            job.done = true;
            job.finished_ms = Some(now_ms());
            // Done: what undoes or completes the call is not needed again.
            let before = std::mem::take(&mut job.before);
            let effects = std::mem::take(&mut job.effects);
            if job.failure.is_some() {
                for (kind, id, record) in before {
                    match record {
                        Some(r) => self.put(kind, &id, r),
                        None => self.remove(kind, &id),
                    }
                }
            } else {
                for e in effects {
                    self.apply(e);
                }
            }
        }
        // Keep finished jobs for ListAsynJobs, but not forever.
        while self.jobs.len() > JOBS_KEPT && self.jobs.front().is_some_and(|j| j.done) {
            self.jobs.pop_front();
            self.jobs_dropped += 1;
        }
    }

    /// Applies one effect now.
    pub fn apply(&mut self, effect: Effect) {
        match effect {
            Effect::Status { kind, id, status } => {
                let field = spec().resource(kind).and_then(|r| r.status);
                if let (Some(field), Some(r)) = (field, self.get_mut(kind, &id)) {
                    json::set(r, field, Value::String(status));
                }
            }
            Effect::Remove { kind, id } => self.remove(kind, &id),
            Effect::ChildStatus {
                kind,
                id,
                child,
                key,
                status,
            } => {
                let Some(c) = spec().resource(kind).and_then(|r| r.child(child)) else {
                    return;
                };
                if let (Some(field), Some(r)) = (c.status, self.get_mut(kind, &id)) {
                    for item in json::list_mut(r, child) {
                        if json::key_of(item, c.key) == key {
                            json::set(item, field, Value::String(status.clone()));
                        }
                    }
                }
            }
            Effect::ChildRemove {
                kind,
                id,
                child,
                key,
            } => {
                let Some(c) = spec().resource(kind).and_then(|r| r.child(child)) else {
                    return;
                };
                if let Some(r) = self.get_mut(kind, &id) {
                    json::list_mut(r, child).retain(|item| json::key_of(item, c.key) != key);
                }
            }
        }
    }

    pub fn job_views(&self) -> Vec<JobView> {
        self.jobs
            .iter()
            .map(|j| JobView {
                job_id: j.job_id.clone(),
                action: j.action.clone(),
                resource_id: j.resource_id.clone(),
                status: j.status().into(),
                failure: j.failure.clone().filter(|_| j.done),
            })
            .collect()
    }

    pub fn access_key(&self, id: &str) -> Option<&AccessKey> {
        self.access_keys.iter().find(|k| k.access_key_id == id)
    }

    /// Whether `kind`'s `id` exists in the world (an external reference).
    pub fn external_exists(&self, kind: &str, id: &str) -> bool {
        self.world.has(kind, id, &self.certificates)
    }

    /// The current world as a state file (jobs in flight are not included:
    /// their records show their in-between states).
    pub fn snapshot(&self) -> StateFile {
        StateFile {
            region: self.region.clone(),
            job_delay_ms: Some(self.job_delay.as_millis() as u64),
            access_keys: self.access_keys.clone(),
            load_balancers: Vec::new(),
            listeners: Vec::new(),
            certificates: self.certificates.clone(),
            world: self.world.clone(),
            resources: self
                .records
                .iter()
                .map(|(k, v)| (k.to_string(), v.clone()))
                .collect(),
            faults: Default::default(),
        }
    }
}

/// A certificate of a listener, for inspection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertificateView {
    pub certificate_id: String,
    pub is_default: bool,
    /// `Associated` for the default certificate; the binding's status otherwise.
    pub status: String,
    pub certificate_type: String,
    /// How many association calls attached it (0 for the default certificate).
    pub association_count: u32,
}

impl Model {
    /// The listener's certificates, the default one first.
    pub fn certificate_views(&self, listener_id: &str) -> Vec<CertificateView> {
        let Some(l) = self.get("Listener", listener_id) else {
            return Vec::new();
        };
        let kind = |id: &str| {
            self.certificates
                .iter()
                .find(|c| c.certificate_id == id)
                .map_or_else(|| "Server".to_string(), |c| c.certificate_type.clone())
        };
        let text = |v: &Value, k: &str| v.get(k).and_then(json::text).unwrap_or_default();
        let mut out: Vec<CertificateView> = json::list(l, "Certificates")
            .iter()
            .map(|c| CertificateView {
                certificate_id: text(c, "CertificateId"),
                is_default: true,
                status: "Associated".into(),
                certificate_type: kind(&text(c, "CertificateId")),
                association_count: 0,
            })
            .collect();
        out.extend(
            json::list(l, "AdditionalCertificates")
                .iter()
                .map(|c| CertificateView {
                    certificate_id: text(c, "CertificateId"),
                    is_default: false,
                    status: text(c, "Status"),
                    certificate_type: kind(&text(c, "CertificateId")),
                    association_count: c.get(internal::COUNT).and_then(Value::as_u64).unwrap_or(1)
                        as u32,
                }),
        );
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finished_jobs_are_kept_up_to_a_bound_and_pending_ones_never_dropped() {
        let mut m = Model::new(StateFile::default(), Duration::ZERO);
        let slow = Duration::from_secs(3600);
        m.job_delay = slow;
        let first = m.start_job(
            "r0",
            "UpdateListenerAttribute",
            "listener",
            "lsn-1",
            vec![],
            vec![],
        );
        m.job_delay = Duration::ZERO;
        for i in 0..JOBS_KEPT + 50 {
            m.start_job(
                &format!("r{i}"),
                "UpdateListenerAttribute",
                "listener",
                "lsn-1",
                vec![],
                vec![],
            );
            m.settle(Instant::now());
        }
        // The slow job at the front holds eviction back (it must stay
        // visible to ListAsynJobs until it is done).
        assert_eq!(m.jobs.len(), JOBS_KEPT + 51);
        assert_eq!(m.pending.len(), 1);
        m.settle(Instant::now() + slow);
        assert!(m.pending.is_empty());
        assert_eq!(m.jobs.len(), JOBS_KEPT);
        assert!(m.jobs.iter().all(|j| j.done && j.job_id != first));
    }
}
