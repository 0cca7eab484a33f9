//! Fault injection: make chosen calls fail the way a real endpoint or the
//! network in front of it can (throttling, 5xx, slow answers, dropped
//! connections, a gateway's HTML page).
//!
//! A [`FaultRule`] matches an action (or every action), fires on given call
//! numbers or with a probability (from a seeded generator, so a run is
//! reproducible), and applies one [`Fault`] either before the operation acts
//! ([`Phase::Before`], the default: nothing changes) or after it has acted
//! ([`Phase::After`]: the change is made but the answer is lost, which is
//! what idempotency tokens are for).
//!
//! Call numbers count the authenticated calls a rule has seen since it was
//! added, from 1.

use std::sync::{Arc, Mutex};

use serde::{Deserialize, Serialize};

/// Faults configured at start (state file `faults`, or the builder).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FaultConfig {
    /// Seed of the generator behind probability triggers.
    #[serde(default)]
    pub seed: u64,
    #[serde(default)]
    pub rules: Vec<FaultRule>,
}

/// When and how one fault fires.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FaultRule {
    /// The `Action` it applies to; absent (or `*`) for every action.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<String>,
    pub trigger: Trigger,
    pub fault: Fault,
    #[serde(default)]
    pub phase: Phase,
    /// Stop firing after this many times.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_fires: Option<u32>,
}

/// Which calls a rule fires on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Trigger {
    /// The listed call numbers (1 = the first matching call).
    OnCalls { calls: Vec<u32> },
    /// Each call with probability `p` (0.0 to 1.0).
    Probability { p: f64 },
    /// Every call.
    Always,
}

/// What happens to a call.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Fault {
    /// HTTP 400 `Throttling.User`, with `x-acs-retry-after` (milliseconds) if set.
    Throttling {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        retry_after_ms: Option<u64>,
    },
    /// HTTP 503 `ServiceUnavailable`.
    ServiceUnavailable,
    /// HTTP 500 `InternalError`.
    InternalError,
    /// Sleep before answering (the call then goes on normally).
    Slow { ms: u64 },
    /// Close the connection without answering.
    DropConnection,
    /// HTTP 502 with an HTML body, as a gateway in front of the service would.
    Html502,
    /// The call succeeds, but the asynchronous job it starts fails: when
    /// due, ListAsynJobs shows it `Failed` with this code and message, and
    /// the resource goes back to how it was before the call.
    JobFails { code: String, message: String },
}

/// Whether a fault replaces the operation or follows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// The call fails and the operation does not act.
    #[default]
    Before,
    /// The operation acts, then the answer is replaced by the fault.
    After,
}

impl FaultRule {
    /// Fires on the given call numbers of `action`.
    pub fn on_calls(
        action: impl Into<String>,
        calls: impl IntoIterator<Item = u32>,
        fault: Fault,
    ) -> Self {
        Self {
            action: Some(action.into()),
            trigger: Trigger::OnCalls {
                calls: calls.into_iter().collect(),
            },
            fault,
            phase: Phase::Before,
            max_fires: None,
        }
    }

    /// Fires on each call of `action` with probability `p`.
    pub fn with_probability(action: impl Into<String>, p: f64, fault: Fault) -> Self {
        Self {
            action: Some(action.into()),
            trigger: Trigger::Probability { p },
            fault,
            phase: Phase::Before,
            max_fires: None,
        }
    }

    /// Fires on every call of `action`.
    pub fn always(action: impl Into<String>, fault: Fault) -> Self {
        Self {
            action: Some(action.into()),
            trigger: Trigger::Always,
            fault,
            phase: Phase::Before,
            max_fires: None,
        }
    }

    /// Applies the fault after the operation has acted.
    pub fn after(mut self) -> Self {
        self.phase = Phase::After;
        self
    }

    /// Applies to every action.
    pub fn any_action(mut self) -> Self {
        self.action = None;
        self
    }

    pub fn max_fires(mut self, n: u32) -> Self {
        self.max_fires = Some(n);
        self
    }

    fn matches(&self, action: &str) -> bool {
        match self.action.as_deref() {
            None | Some("*") => true,
            Some(a) => a == action,
        }
    }

    /// Parses the CLI form `ACTION:WHEN:KIND[:key=value...]`:
    ///
    /// * `ACTION`: an operation name, or `*` for all;
    /// * `WHEN`: `call=1,3` (call numbers), `p=0.25` (probability) or `always`;
    /// * `KIND`: `throttling`, `503`, `500`, `slow`, `drop`, `html502` or
    ///   `job_fails`;
    /// * options: `retry_after_ms=N` (throttling), `ms=N` (slow, default
    ///   1000), `code=C` and `message=M` (job_fails; the message cannot
    ///   hold `:`), `phase=before|after`, `max=N` (stop after N fires).
    ///
    /// Example: `AssociateAdditionalCertificatesWithListener:call=1:throttling:retry_after_ms=200`.
    pub fn parse_spec(spec: &str) -> Result<Self, String> {
        let parts: Vec<&str> = spec.split(':').collect();
        if parts.len() < 3 {
            return Err(format!(
                "fault `{spec}`: expected ACTION:WHEN:KIND[:key=value...]"
            ));
        }
        let action = match parts[0] {
            "" | "*" => None,
            a => Some(a.to_string()),
        };
        let trigger = if parts[1] == "always" {
            Trigger::Always
        } else if let Some(list) = parts[1].strip_prefix("call=") {
            let calls = list
                .split(',')
                .map(|n| n.trim().parse::<u32>())
                .collect::<Result<Vec<_>, _>>()
                .map_err(|_| format!("fault `{spec}`: bad call list `{list}`"))?;
            Trigger::OnCalls { calls }
        } else if let Some(p) = parts[1].strip_prefix("p=") {
            let p: f64 = p
                .parse()
                .ok()
                .filter(|p: &f64| (0.0..=1.0).contains(p))
                .ok_or_else(|| format!("fault `{spec}`: probability must be in 0..=1"))?;
            Trigger::Probability { p }
        } else {
            return Err(format!(
                "fault `{spec}`: WHEN must be call=N[,N..], p=P or always"
            ));
        };
        let mut options = std::collections::BTreeMap::new();
        for opt in &parts[3..] {
            let (k, v) = opt
                .split_once('=')
                .ok_or_else(|| format!("fault `{spec}`: option `{opt}` is not key=value"))?;
            options.insert(k, v);
        }
        let num = |key: &str| -> Result<Option<u64>, String> {
            options
                .get(key)
                .map(|v| {
                    v.parse::<u64>()
                        .map_err(|_| format!("fault `{spec}`: `{key}` must be a number"))
                })
                .transpose()
        };
        let fault = match parts[2] {
            "throttling" => Fault::Throttling {
                retry_after_ms: num("retry_after_ms")?,
            },
            "503" | "unavailable" => Fault::ServiceUnavailable,
            "500" | "internal" => Fault::InternalError,
            "slow" => Fault::Slow {
                ms: num("ms")?.unwrap_or(1000),
            },
            "drop" => Fault::DropConnection,
            "html502" | "502" => Fault::Html502,
            "job_fails" => Fault::JobFails {
                code: options
                    .get("code")
                    .map_or("InternalError", |c| *c)
                    .to_string(),
                message: options
                    .get("message")
                    .map_or("The job failed (injected fault).", |m| *m)
                    .to_string(),
            },
            other => {
                return Err(format!(
                    "fault `{spec}`: unknown kind `{other}` (throttling, 503, 500, slow, drop, html502, job_fails)"
                ))
            }
        };
        let phase = match options.get("phase").copied() {
            None | Some("before") => Phase::Before,
            Some("after") => Phase::After,
            Some(p) => {
                return Err(format!(
                    "fault `{spec}`: phase must be before or after, not `{p}`"
                ))
            }
        };
        let max_fires = num("max")?.map(|n| n.min(u64::from(u32::MAX)) as u32);
        for key in options.keys() {
            if !matches!(
                *key,
                "retry_after_ms" | "ms" | "phase" | "max" | "code" | "message"
            ) {
                return Err(format!("fault `{spec}`: unknown option `{key}`"));
            }
        }
        Ok(Self {
            action,
            trigger,
            fault,
            phase,
            max_fires,
        })
    }
}

/// A fault that fired, for inspection.
#[derive(Debug, Clone, PartialEq)]
pub struct FiredFault {
    pub action: String,
    pub request_id: String,
    /// The rule's call number that fired.
    pub call: u32,
    pub fault: Fault,
    pub phase: Phase,
}

/// What to do with one call.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Decision {
    /// Sleep this long first.
    pub delay_ms: u64,
    /// Answer with this instead of acting.
    pub before: Option<Fault>,
    /// Act, then answer with this.
    pub after: Option<Fault>,
    /// Act, but make the job the call starts fail this way.
    pub job_failure: Option<crate::engine::store::JobFailure>,
}

struct RuleState {
    rule: FaultRule,
    seen: u32,
    fired: u32,
}

struct Inner {
    rng: SplitMix64,
    rules: Vec<RuleState>,
    fired: Vec<FiredFault>,
}

/// Shared, live fault configuration: add or clear rules while the emulator runs.
#[derive(Clone)]
pub struct FaultHandle {
    inner: Arc<Mutex<Inner>>,
}

impl std::fmt::Debug for FaultHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FaultHandle")
            .field("rules", &self.rules())
            .finish()
    }
}

impl FaultHandle {
    pub fn new(config: FaultConfig) -> Self {
        let handle = Self {
            inner: Arc::new(Mutex::new(Inner {
                rng: SplitMix64(config.seed),
                rules: Vec::new(),
                fired: Vec::new(),
            })),
        };
        for rule in config.rules {
            handle.add(rule);
        }
        handle
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Adds a rule; its call numbers count from now.
    pub fn add(&self, rule: FaultRule) {
        self.lock().rules.push(RuleState {
            rule,
            seen: 0,
            fired: 0,
        });
    }

    /// Removes every rule (the record of fired faults is kept).
    pub fn clear(&self) {
        self.lock().rules.clear();
    }

    /// Re-seeds the generator behind probability triggers.
    pub fn reseed(&self, seed: u64) {
        self.lock().rng = SplitMix64(seed);
    }

    pub fn rules(&self) -> Vec<FaultRule> {
        self.lock().rules.iter().map(|r| r.rule.clone()).collect()
    }

    /// Every fault that fired so far, in order.
    pub fn fired(&self) -> Vec<FiredFault> {
        self.lock().fired.clone()
    }

    /// Counts the call against every matching rule and decides its fate.
    pub fn decide(&self, action: &str, request_id: &str) -> Decision {
        let mut inner = self.lock();
        let Inner { rng, rules, fired } = &mut *inner;
        let mut decision = Decision::default();
        for state in rules.iter_mut().filter(|s| s.rule.matches(action)) {
            state.seen = state.seen.saturating_add(1);
            if state.rule.max_fires.is_some_and(|m| state.fired >= m) {
                continue;
            }
            let fires = match &state.rule.trigger {
                Trigger::Always => true,
                Trigger::OnCalls { calls } => calls.contains(&state.seen),
                Trigger::Probability { p } => rng.next_f64() < *p,
            };
            if !fires {
                continue;
            }
            let slot = match (&state.rule.fault, state.rule.phase) {
                (Fault::Slow { ms }, _) => {
                    decision.delay_ms = decision.delay_ms.saturating_add(*ms);
                    None
                }
                (Fault::JobFails { code, message }, _) => {
                    decision
                        .job_failure
                        .get_or_insert(crate::engine::store::JobFailure {
                            code: code.clone(),
                            message: message.clone(),
                        });
                    None
                }
                (_, Phase::Before) => Some(&mut decision.before),
                (_, Phase::After) => Some(&mut decision.after),
            };
            if let Some(slot) = slot {
                if slot.is_some() {
                    continue; // an earlier rule already decided this phase
                }
                *slot = Some(state.rule.fault.clone());
            }
            state.fired += 1;
            fired.push(FiredFault {
                action: action.to_string(),
                request_id: request_id.to_string(),
                call: state.seen,
                fault: state.rule.fault.clone(),
                phase: state.rule.phase,
            });
        }
        // A fault that replaces the call makes an "after" one moot.
        if decision.before.is_some() {
            decision.after = None;
        }
        decision
    }
}

/// SplitMix64: small, seedable, good enough for fault dice.
#[derive(Debug, Clone)]
pub(crate) struct SplitMix64(pub(crate) u64);

impl SplitMix64 {
    pub(crate) fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn next_f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: &str = "StartListener";

    #[test]
    fn nth_call_fires_once() {
        let h = FaultHandle::new(FaultConfig::default());
        h.add(FaultRule::on_calls(A, [2], Fault::ServiceUnavailable));
        assert_eq!(h.decide(A, "r1").before, None);
        assert_eq!(h.decide("Other", "r").before, None);
        assert_eq!(h.decide(A, "r2").before, Some(Fault::ServiceUnavailable));
        assert_eq!(h.decide(A, "r3").before, None);
        let fired = h.fired();
        assert_eq!(fired.len(), 1);
        assert_eq!((fired[0].call, fired[0].request_id.as_str()), (2, "r2"));
    }

    #[test]
    fn probability_is_seeded() {
        let run = |seed| {
            let h = FaultHandle::new(FaultConfig {
                seed,
                rules: vec![FaultRule::with_probability(A, 0.5, Fault::InternalError)],
            });
            (0..64)
                .map(|_| h.decide(A, "r").before.is_some())
                .collect::<Vec<_>>()
        };
        assert_eq!(run(7), run(7));
        assert_ne!(run(7), run(8));
        let hits = run(7).iter().filter(|b| **b).count();
        assert!((16..=48).contains(&hits), "{hits}");
    }

    #[test]
    fn slow_adds_up_and_after_is_separate() {
        let h = FaultHandle::new(FaultConfig::default());
        h.add(FaultRule::always(A, Fault::Slow { ms: 5 }));
        h.add(
            FaultRule::always(A, Fault::DropConnection)
                .after()
                .max_fires(1),
        );
        let d = h.decide(A, "r");
        assert_eq!(d.delay_ms, 5);
        assert_eq!(d.after, Some(Fault::DropConnection));
        assert_eq!(h.decide(A, "r").after, None);
    }

    #[test]
    fn cli_specs() {
        let r = FaultRule::parse_spec(
            "AssociateAdditionalCertificatesWithListener:call=1,3:throttling:retry_after_ms=200",
        )
        .unwrap();
        assert_eq!(
            r.fault,
            Fault::Throttling {
                retry_after_ms: Some(200)
            }
        );
        assert_eq!(r.trigger, Trigger::OnCalls { calls: vec![1, 3] });
        let r = FaultRule::parse_spec("*:p=0.1:drop:phase=after:max=2").unwrap();
        assert_eq!(r.action, None);
        assert_eq!(r.phase, Phase::After);
        assert_eq!(r.max_fires, Some(2));
        assert_eq!(
            FaultRule::parse_spec("X:always:slow").unwrap().fault,
            Fault::Slow { ms: 1000 }
        );
        assert_eq!(
            FaultRule::parse_spec(
                "CreateListener:call=1:job_fails:code=Conflict.Lock:message=busy"
            )
            .unwrap()
            .fault,
            Fault::JobFails {
                code: "Conflict.Lock".into(),
                message: "busy".into()
            }
        );
        for bad in [
            "X",
            "X:call=a:503",
            "X:p=2:503",
            "X:sometimes:503",
            "X:always:boom",
            "X:always:503:phase=during",
            "X:always:503:colour=red",
            "X:always:slow:ms",
        ] {
            assert!(FaultRule::parse_spec(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn config_json_shape() {
        let json = r#"{"seed":1,"rules":[{"action":"StopListener","trigger":{"type":"on_calls","calls":[1]},
            "fault":{"type":"throttling","retry_after_ms":100},"phase":"after"}]}"#;
        let c: FaultConfig = serde_json::from_str(json).unwrap();
        assert_eq!(c.rules[0].phase, Phase::After);
        assert_eq!(
            serde_json::from_str::<FaultConfig>(&serde_json::to_string(&c).unwrap()).unwrap(),
            c
        );
    }
}
