//! The in-memory world: load balancers, listeners, certificates and the
//! asynchronous jobs that move them from one state to the next.
//!
//! Jobs complete lazily: every access first calls [`Model::settle`], which
//! applies the effect of each job whose completion time has passed, in
//! order. No background task is needed and the outcome does not depend on
//! scheduling.

use std::time::{Duration, Instant};

use crate::state::{
    AccessKey, CertificateBinding, ListenerState, LoadBalancerState, ServerCertificate, StateFile,
};

/// Status values used by the model.
pub mod status {
    pub const RUNNING: &str = "Running";
    pub const STOPPED: &str = "Stopped";
    pub const CONFIGURING: &str = "Configuring";
    pub const PROVISIONING: &str = "Provisioning";
    pub const STARTING: &str = "Starting";
    pub const STOPPING: &str = "Stopping";
    pub const DELETING: &str = "Deleting";
    pub const ASSOCIATING: &str = "Associating";
    pub const ASSOCIATED: &str = "Associated";
    pub const DISSOCIATING: &str = "Dissociating";
}

/// What a job does when it completes.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// Bindings `Associating` -> `Associated`, listener back to `restore`.
    Associate {
        listener_id: String,
        certificate_ids: Vec<String>,
        restore: String,
    },
    /// Bindings `Dissociating` are removed, listener back to `restore`.
    Dissociate {
        listener_id: String,
        certificate_ids: Vec<String>,
        restore: String,
    },
    /// The listener's status becomes `status`. A failed job puts back
    /// `previous`, or removes the listener it was creating (`None`).
    SetStatus {
        listener_id: String,
        status: String,
        previous: Option<String>,
    },
    /// The listener is removed; a failed job puts back `previous`.
    Delete {
        listener_id: String,
        previous: String,
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
    pub resource_id: String,
    pub complete_at: Instant,
    /// Milliseconds since the Unix epoch, as ListAsynJobs reports them.
    pub created_ms: i64,
    pub finished_ms: Option<i64>,
    pub done: bool,
    pub effect: Effect,
    /// Set when the job is to fail (fault `job_fails`); the effect is then
    /// undone instead of applied.
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

/// Now, in milliseconds since the Unix epoch.
pub fn now_ms() -> i64 {
    (time::OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000) as i64
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

/// A listener, for inspection.
pub type ListenerView = ListenerState;

/// The world. Guarded by one mutex in the server; never held across an await.
#[derive(Debug)]
pub struct Model {
    pub region: String,
    pub access_keys: Vec<AccessKey>,
    pub load_balancers: Vec<LoadBalancerState>,
    pub listeners: Vec<ListenerState>,
    pub certificates: Vec<ServerCertificate>,
    pub jobs: Vec<Job>,
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
        Self {
            region: state.region,
            access_keys: state.access_keys,
            load_balancers: state.load_balancers,
            listeners: state.listeners,
            certificates: state.certificates,
            jobs: Vec::new(),
            job_delay,
            failing_requests: Vec::new(),
            ids: crate::faults::SplitMix64(seed),
        }
    }

    /// The current world as a state file (jobs in flight are not included:
    /// their resources show their in-between states).
    pub fn snapshot(&self) -> StateFile {
        StateFile {
            region: self.region.clone(),
            job_delay_ms: Some(self.job_delay.as_millis() as u64),
            access_keys: self.access_keys.clone(),
            load_balancers: self.load_balancers.clone(),
            listeners: self.listeners.clone(),
            certificates: self.certificates.clone(),
            faults: Default::default(),
        }
    }

    /// Applies every job due by `now`, oldest completion first.
    pub fn settle(&mut self, now: Instant) {
        loop {
            let next = self
                .jobs
                .iter()
                .enumerate()
                .filter(|(_, j)| !j.done && j.complete_at <= now)
                .min_by_key(|(_, j)| j.complete_at)
                .map(|(i, _)| i);
            let Some(i) = next else { break };
            self.jobs[i].done = true;
            self.jobs[i].finished_ms = Some(now_ms());
            let effect = self.jobs[i].effect.clone();
            if self.jobs[i].failure.is_some() {
                self.undo(effect);
            } else {
                self.apply(effect);
            }
        }
        // Keep finished jobs for inspection, but not forever.
        if self.jobs.len() > 10_000 {
            let excess = self.jobs.len() - 10_000;
            let mut dropped = 0;
            self.jobs.retain(|j| {
                if j.done && dropped < excess {
                    dropped += 1;
                    false
                } else {
                    true
                }
            });
        }
    }

    fn apply(&mut self, effect: Effect) {
        match effect {
            Effect::Associate {
                listener_id,
                certificate_ids,
                restore,
            } => {
                if let Some(l) = self.listener_mut(&listener_id) {
                    for b in l.additional_certificates.iter_mut() {
                        if certificate_ids.contains(&b.certificate_id)
                            && b.status == status::ASSOCIATING
                        {
                            b.status = status::ASSOCIATED.into();
                        }
                    }
                    if l.listener_status == status::CONFIGURING {
                        l.listener_status = restore;
                    }
                }
            }
            Effect::Dissociate {
                listener_id,
                certificate_ids,
                restore,
            } => {
                if let Some(l) = self.listener_mut(&listener_id) {
                    l.additional_certificates.retain(|b| {
                        !(certificate_ids.contains(&b.certificate_id)
                            && b.status == status::DISSOCIATING)
                    });
                    if l.listener_status == status::CONFIGURING {
                        l.listener_status = restore;
                    }
                }
            }
            Effect::SetStatus {
                listener_id,
                status,
                ..
            } => {
                if let Some(l) = self.listener_mut(&listener_id) {
                    l.listener_status = status;
                }
            }
            Effect::Delete { listener_id, .. } => {
                self.listeners.retain(|l| l.listener_id != listener_id);
            }
        }
    }

    /// What a failed job leaves: the resource as it was before the call
    /// (its status, bindings and existence; the attributes an update
    /// changed stay changed).
    fn undo(&mut self, effect: Effect) {
        match effect {
            Effect::Associate {
                listener_id,
                certificate_ids,
                restore,
            } => {
                if let Some(l) = self.listener_mut(&listener_id) {
                    l.additional_certificates.retain(|b| {
                        !(certificate_ids.contains(&b.certificate_id)
                            && b.status == status::ASSOCIATING)
                    });
                    l.listener_status = restore;
                }
            }
            Effect::Dissociate {
                listener_id,
                certificate_ids,
                restore,
            } => {
                if let Some(l) = self.listener_mut(&listener_id) {
                    for b in l.additional_certificates.iter_mut() {
                        if certificate_ids.contains(&b.certificate_id)
                            && b.status == status::DISSOCIATING
                        {
                            b.status = status::ASSOCIATED.into();
                        }
                    }
                    l.listener_status = restore;
                }
            }
            Effect::SetStatus {
                listener_id,
                previous: None,
                ..
            } => self.listeners.retain(|l| l.listener_id != listener_id),
            Effect::SetStatus {
                listener_id,
                previous: Some(previous),
                ..
            }
            | Effect::Delete {
                listener_id,
                previous,
            } => {
                if let Some(l) = self.listener_mut(&listener_id) {
                    l.listener_status = previous;
                }
            }
        }
    }

    /// Starts a job for the request `request_id` that completes after the
    /// job delay; returns its ID.
    pub fn start_job(
        &mut self,
        request_id: &str,
        action: &str,
        resource_id: &str,
        effect: Effect,
    ) -> String {
        let job_id = uuid::Uuid::new_v4().to_string();
        let failure = self
            .failing_requests
            .iter()
            .find(|(id, _)| id == request_id)
            .map(|(_, f)| f.clone());
        self.jobs.push(Job {
            job_id: job_id.clone(),
            action: action.to_string(),
            resource_id: resource_id.to_string(),
            complete_at: Instant::now() + self.job_delay,
            created_ms: now_ms(),
            finished_ms: None,
            done: false,
            effect,
            failure,
        });
        job_id
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

    /// A fresh resource ID: `prefix` + 17 lowercase letters and digits.
    pub fn new_id(&mut self, prefix: &str) -> String {
        const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
        loop {
            let mut id = String::from(prefix);
            for _ in 0..17 {
                let n = (self.ids.next_u64() % ALPHABET.len() as u64) as usize;
                id.push(ALPHABET[n] as char);
            }
            if self.listener(&id).is_none() {
                return id;
            }
        }
    }

    pub fn listener(&self, id: &str) -> Option<&ListenerState> {
        self.listeners.iter().find(|l| l.listener_id == id)
    }

    pub fn listener_mut(&mut self, id: &str) -> Option<&mut ListenerState> {
        self.listeners.iter_mut().find(|l| l.listener_id == id)
    }

    pub fn load_balancer(&self, id: &str) -> Option<&LoadBalancerState> {
        self.load_balancers
            .iter()
            .find(|l| l.load_balancer_id == id)
    }

    pub fn certificate(&self, id: &str) -> Option<&ServerCertificate> {
        self.certificates.iter().find(|c| c.certificate_id == id)
    }

    pub fn access_key(&self, id: &str) -> Option<&AccessKey> {
        self.access_keys.iter().find(|k| k.access_key_id == id)
    }

    /// Additional certificates on every listener of `load_balancer_id`.
    pub fn certificate_usage(&self, load_balancer_id: &str) -> usize {
        self.listeners
            .iter()
            .filter(|l| l.load_balancer_id == load_balancer_id)
            .map(|l| l.additional_certificates.len())
            .sum()
    }

    /// The default certificate first, then the additional ones in the order
    /// they were associated.
    pub fn certificate_views(&self, listener: &ListenerState) -> Vec<CertificateView> {
        let kind = |id: &str| {
            self.certificate(id)
                .map(|c| c.certificate_type.clone())
                .unwrap_or_else(|| "Server".into())
        };
        let mut out = Vec::new();
        if let Some(id) = &listener.default_certificate_id {
            out.push(CertificateView {
                certificate_id: id.clone(),
                is_default: true,
                status: status::ASSOCIATED.into(),
                certificate_type: kind(id),
                association_count: 0,
            });
        }
        out.extend(
            listener
                .additional_certificates
                .iter()
                .map(|b: &CertificateBinding| CertificateView {
                    certificate_id: b.certificate_id.clone(),
                    is_default: false,
                    status: b.status.clone(),
                    certificate_type: kind(&b.certificate_id),
                    association_count: b.association_count,
                }),
        );
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jobs_complete_in_order_when_due() {
        let mut m = Model::new(StateFile::default(), Duration::from_millis(0));
        let lsn = crate::DEFAULT_HTTPS_LISTENER_ID;
        {
            let l = m.listener_mut(lsn).unwrap();
            l.listener_status = status::CONFIGURING.into();
            l.additional_certificates.push(CertificateBinding {
                certificate_id: "cert-0001".into(),
                status: status::ASSOCIATING.into(),
                association_count: 1,
            });
        }
        m.start_job(
            "req-1",
            "AssociateAdditionalCertificatesWithListener",
            lsn,
            Effect::Associate {
                listener_id: lsn.into(),
                certificate_ids: vec!["cert-0001".into()],
                restore: status::RUNNING.into(),
            },
        );
        assert_eq!(m.job_views()[0].status, "Processing");
        m.settle(Instant::now());
        let l = m.listener(lsn).unwrap();
        assert_eq!(l.listener_status, status::RUNNING);
        assert_eq!(l.additional_certificates[0].status, status::ASSOCIATED);
        assert_eq!(m.job_views()[0].status, "Succeeded");
        let views = m.certificate_views(l);
        assert!(views[0].is_default);
        assert_eq!(views[1].association_count, 1);
        assert_eq!(m.certificate_usage(crate::DEFAULT_LOAD_BALANCER_ID), 1);
    }

    #[test]
    fn new_ids_look_like_alibaba_ids() {
        let mut m = Model::new(StateFile::default(), Duration::ZERO);
        let id = m.new_id("lsn-");
        assert_eq!(id.len(), 21);
        assert!(id[4..].chars().all(|c| c.is_ascii_alphanumeric()));
        assert_ne!(m.new_id("lsn-"), id);
    }
}
