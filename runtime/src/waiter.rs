//! Waiters: poll an operation until the state the spec declares is reached.
//! Generated code says what to poll and how to read the state; this module
//! owns the loop, the backoff and the timeout.

use crate::client::{Core, SdkError};
use crate::operation::Operation;
use crate::service_error::OperationError;
use std::fmt;
use std::time::{Duration, Instant};

/// One poll of a wait, for a progress report ([`WaitPolicy::with_progress`]).
#[derive(Debug, Clone)]
pub struct Progress<'a> {
    /// The waiter (`ListenerCreated`).
    pub waiter: &'static str,
    /// Polls so far, this one included (from 1).
    pub poll: u32,
    /// Time since the wait began.
    pub elapsed: Duration,
    /// What the poll saw (`Provisioning`, or the error of a poll that will
    /// be retried).
    pub state: &'a str,
}

/// How often and how long to poll.
#[derive(Debug, Clone, Copy)]
pub struct WaitPolicy {
    /// Delay after the first poll.
    pub initial_delay: Duration,
    /// Cap of the growing delay between polls.
    pub max_delay: Duration,
    /// Factor by which the delay grows after each poll (at least 1).
    pub multiplier: f64,
    /// How long to wait in all, from the start of the wait.
    pub timeout: Duration,
    /// Called after every poll (a progress line, a spinner); `None` by default.
    pub progress: Option<fn(&Progress<'_>)>,
}

impl PartialEq for WaitPolicy {
    /// Policies are equal when they poll alike (the progress callback aside).
    fn eq(&self, other: &Self) -> bool {
        self.initial_delay == other.initial_delay
            && self.max_delay == other.max_delay
            && self.multiplier == other.multiplier
            && self.timeout == other.timeout
    }
}

impl WaitPolicy {
    /// A policy from its four values; a `multiplier` below 1 becomes 1.
    pub fn new(
        initial_delay: Duration,
        max_delay: Duration,
        multiplier: f64,
        timeout: Duration,
    ) -> Self {
        Self {
            initial_delay,
            max_delay,
            multiplier: multiplier.max(1.0),
            timeout,
            progress: None,
        }
    }

    /// Reports every poll to `report` (waiter, poll number, time so far,
    /// the state seen).
    pub fn with_progress(mut self, report: fn(&Progress<'_>)) -> Self {
        self.progress = Some(report);
        self
    }

    /// Sets how long to wait in all.
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Sets the growth factor of the delay (a value below 1 becomes 1).
    pub fn with_multiplier(mut self, multiplier: f64) -> Self {
        self.multiplier = multiplier.max(1.0);
        self
    }

    /// Sets the first and the largest delay; a `max` below `initial`
    /// becomes `initial`.
    pub fn with_delays(mut self, initial: Duration, max: Duration) -> Self {
        self.initial_delay = initial;
        self.max_delay = max.max(initial);
        self
    }

    /// The delay before poll number `poll + 1` (0-based `poll`).
    pub fn delay(&self, poll: u32) -> Duration {
        let factor = self.multiplier.powi(poll.min(64) as i32);
        self.initial_delay.mul_f64(factor).min(self.max_delay)
    }
}

impl Default for WaitPolicy {
    /// 2 s first delay, doubling up to 20 s between polls, 10 minutes in all:
    /// ALB's asynchronous jobs take seconds to a few minutes.
    fn default() -> Self {
        Self::new(
            Duration::from_secs(2),
            Duration::from_secs(20),
            2.0,
            Duration::from_secs(600),
        )
    }
}

/// Inputs a waiter needs that the call it waits on does not have (a
/// response not produced by `send()`, or an empty ID): the wait is refused
/// before any poll.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MissingInput(pub Vec<&'static str>);

impl MissingInput {
    /// `Err` listing every missing input, or `Ok` when none is.
    pub fn check(missing: Vec<&'static str>) -> Result<(), MissingInput> {
        if missing.is_empty() {
            Ok(())
        } else {
            Err(MissingInput(missing))
        }
    }
}

/// What a state means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WaitOutcome {
    /// The awaited state: the wait ends with the poll's output.
    Success,
    /// A state the awaited one cannot follow: the wait ends with
    /// [`WaiterError::Failed`].
    Failure,
    /// Still in progress: poll again.
    Pending,
}

/// One observed state: `key` names the item (a certificate ID), `state` is
/// `None` when the item (or the field) is absent; `detail` is what the
/// service said about it (a failed job's error code and message).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Observed {
    /// The item's identifier, when the waiter watches several.
    pub key: Option<String>,
    /// The item's state; `None` when it is absent.
    pub state: Option<String>,
    /// What the service said about the item, shown in errors.
    pub detail: Option<String>,
}

impl Observed {
    /// A state without detail.
    pub fn new(key: Option<String>, state: Option<String>) -> Self {
        Self {
            key,
            state,
            detail: None,
        }
    }
}

impl fmt::Display for Observed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.state.as_deref().unwrap_or("<absent>");
        match &self.key {
            Some(k) => write!(f, "{k}={state}")?,
            None => f.write_str(state)?,
        }
        if let Some(d) = &self.detail {
            write!(f, " ({d})")?;
        }
        Ok(())
    }
}

/// Implemented by each generated waiter.
pub trait Waiter {
    /// The response of the asynchronous operation waited on; it keeps what
    /// the waiter needs from the request (see [`Operation::complete`]).
    type Input;
    /// The operation polled.
    type Poll: Operation;
    /// The waiter's name in the spec (`ListenerCreated`), for errors and
    /// logs.
    const NAME: &'static str;
    /// States that end the wait successfully (the spec's `success`).
    const SUCCESS: &'static [&'static str];
    /// States that end it with [`WaiterError::Failed`] (`failure`).
    const FAILURE: &'static [&'static str];
    /// States the spec lists as in progress (`pending`). Informational:
    /// any state in neither list above keeps the wait going.
    const PENDING: &'static [&'static str];
    /// What an absent item means (`None`: keep waiting).
    const ABSENT: Option<WaitOutcome>;

    /// The spec's delays and timeout for this waiter (`delay`,
    /// `timeout_seconds`), the [`WaitPolicy::default`] ones where it gives
    /// none.
    fn default_policy() -> WaitPolicy {
        WaitPolicy::default()
    }
    /// The request to poll with, or every input that is missing.
    fn poll_request(input: &Self::Input) -> Result<Self::Poll, MissingInput>;
    /// The states one poll's `output` shows: one per watched item, or one
    /// for a top-level state.
    fn observe(input: &Self::Input, output: &<Self::Poll as Operation>::Output) -> Vec<Observed>;
}

/// What waiting with `W` ends with: the last poll's output, or why not.
pub type WaitResult<W> = Result<
    <<W as Waiter>::Poll as Operation>::Output,
    WaiterError<<<W as Waiter>::Poll as Operation>::Error>,
>;

/// Classifies one poll: failure if any state fails, success if every state
/// succeeds, pending otherwise (unknown states keep waiting).
pub fn classify<W: Waiter>(observed: &[Observed]) -> WaitOutcome {
    let outcome = |o: &Observed| match &o.state {
        None => W::ABSENT.unwrap_or(WaitOutcome::Pending),
        Some(s) if W::FAILURE.contains(&s.as_str()) => WaitOutcome::Failure,
        Some(s) if W::SUCCESS.contains(&s.as_str()) => WaitOutcome::Success,
        Some(_) => WaitOutcome::Pending,
    };
    let outcomes: Vec<WaitOutcome> = observed.iter().map(outcome).collect();
    // Nothing observed counts as absent.
    let all_success = if outcomes.is_empty() {
        W::ABSENT == Some(WaitOutcome::Success)
    } else {
        outcomes.iter().all(|o| *o == WaitOutcome::Success)
    };
    if outcomes.contains(&WaitOutcome::Failure) {
        WaitOutcome::Failure
    } else if all_success {
        WaitOutcome::Success
    } else {
        WaitOutcome::Pending
    }
}

fn describe(observed: &[Observed]) -> String {
    if observed.is_empty() {
        return "<nothing>".into();
    }
    observed
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

/// Why a wait ended without success.
#[derive(Debug)]
#[non_exhaustive]
pub enum WaiterError<E> {
    /// A failure state was reached; `state` shows what was seen, with the
    /// service's detail (a failed job's error code and message).
    Failed {
        /// The waiter's name.
        waiter: &'static str,
        /// Every observed state, as text (`key=state (detail)`, ...).
        state: String,
    },
    /// The waiter lacks inputs (named by wire name); nothing was polled.
    MissingInput {
        /// The waiter's name.
        waiter: &'static str,
        /// Wire names of the poll parameters that have no value.
        inputs: Vec<&'static str>,
    },
    /// The policy's timeout passed; `last_state` is what the last poll saw.
    Timeout {
        /// The waiter's name.
        waiter: &'static str,
        /// Time since the wait began.
        elapsed: Duration,
        /// The states of the last successful poll, as text; `None` when no
        /// poll succeeded.
        last_state: Option<String>,
    },
    /// A poll failed with an error that is not transient (transient ones,
    /// retryable service errors, 5xx, transport errors, timeouts and rate
    /// limits, are ridden through until the timeout).
    Poll(SdkError<E>),
}

impl<E: fmt::Display> fmt::Display for WaiterError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WaiterError::Failed { waiter, state } => {
                write!(f, "waiter {waiter} reached a failure state: {state}")
            }
            WaiterError::Timeout {
                waiter,
                elapsed,
                last_state,
            } => write!(
                f,
                "waiter {waiter} timed out after {elapsed:?}; last observed state: {}",
                last_state.as_deref().unwrap_or("none (no poll succeeded)")
            ),
            WaiterError::MissingInput { waiter, inputs } => write!(
                f,
                "waiter {waiter} cannot poll: no value for {} (wait on the response `send()` returned)",
                inputs.join(", ")
            ),
            WaiterError::Poll(e) => write!(f, "polling failed: {e}"),
        }
    }
}

impl<E: std::error::Error + 'static> std::error::Error for WaiterError<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            WaiterError::Poll(e) => Some(e),
            _ => None,
        }
    }
}

/// Whether a poll error is worth riding through.
fn transient<E: OperationError>(e: &SdkError<E>) -> bool {
    match e {
        SdkError::Service(s) => {
            s.is_retryable() || (s.http_status() >= 500 && s.http_status() != 501)
        }
        SdkError::Transport(_) | SdkError::Timeout(_) | SdkError::RateLimited(_) => true,
        _ => false,
    }
}

/// The polling loop. Dropping the future cancels it: nothing is left running.
pub async fn wait<W: Waiter>(
    core: &Core,
    input: &W::Input,
    policy: WaitPolicy,
) -> Result<<W::Poll as Operation>::Output, WaiterError<<W::Poll as Operation>::Error>> {
    let started = Instant::now();
    let request = W::poll_request(input).map_err(|m| WaiterError::MissingInput {
        waiter: W::NAME,
        inputs: m.0,
    })?;
    let mut last_state: Option<String> = None;
    let mut poll = 0u32;
    // Set once the next delay would pass the timeout: one more poll at the
    // deadline, then the wait ends with what it saw.
    let mut final_look = false;
    loop {
        match core.send(request.clone()).await {
            Ok(output) => {
                let observed = W::observe(input, &output);
                let text = describe(&observed);
                tracing::debug!(waiter = W::NAME, poll, state = %text, "waiter poll");
                report(&policy, W::NAME, poll, started, &text);
                match classify::<W>(&observed) {
                    WaitOutcome::Success => return Ok(output),
                    WaitOutcome::Failure => {
                        return Err(WaiterError::Failed {
                            waiter: W::NAME,
                            state: text,
                        })
                    }
                    WaitOutcome::Pending => last_state = Some(text),
                }
            }
            Err(e) if transient(&e) => {
                tracing::debug!(waiter = W::NAME, poll, error = %e, "transient error while polling");
                report(&policy, W::NAME, poll, started, &format!("(retrying: {e})"));
            }
            Err(e) => return Err(WaiterError::Poll(e)),
        }
        if final_look {
            return Err(WaiterError::Timeout {
                waiter: W::NAME,
                elapsed: started.elapsed(),
                last_state,
            });
        }
        let delay = policy.delay(poll);
        let elapsed = started.elapsed();
        let wait = if elapsed + delay > policy.timeout {
            final_look = true;
            policy.timeout.saturating_sub(elapsed)
        } else {
            delay
        };
        tokio::time::sleep(wait).await;
        poll += 1;
    }
}

fn report(policy: &WaitPolicy, waiter: &'static str, poll: u32, started: Instant, state: &str) {
    if let Some(f) = policy.progress {
        f(&Progress {
            waiter,
            poll: poll + 1,
            elapsed: started.elapsed(),
            state,
        });
    }
}

/// Helpers of generated waiters: reading inputs and states.
pub mod read {
    use super::Observed;
    use std::fmt;

    /// The text of an optional value (a string or an enum).
    pub fn text<T: fmt::Display>(v: &Option<T>) -> Option<String> {
        v.as_ref().map(ToString::to_string)
    }

    /// A single-valued poll parameter: the first non-empty value, or `wire`
    /// recorded as missing.
    pub fn one(
        values: Vec<String>,
        wire: &'static str,
        missing: &mut Vec<&'static str>,
    ) -> Option<String> {
        let v = values.into_iter().find(|v| !v.is_empty());
        if v.is_none() {
            missing.push(wire);
        }
        v
    }

    /// A list poll parameter: the non-empty values, or `wire` recorded as
    /// missing when there are none.
    pub fn many(
        values: Vec<String>,
        wire: &'static str,
        missing: &mut Vec<&'static str>,
    ) -> Vec<String> {
        let v: Vec<String> = values.into_iter().filter(|v| !v.is_empty()).collect();
        if v.is_empty() {
            missing.push(wire);
        }
        v
    }

    /// Appends a value read from a request or response (a waiter's input).
    pub fn push<T: fmt::Display + ?Sized>(out: &mut Vec<String>, v: &T) {
        out.push(v.to_string());
    }

    /// One state per item of a list. (`dyn`: compiled once, not per waiter.)
    pub fn each(states: &mut dyn Iterator<Item = Option<String>>) -> Vec<Observed> {
        states
            .map(|s| Observed::new(None, Some(s.unwrap_or_default())))
            .collect()
    }

    /// The state of each wanted key among `(key, state)` items; a key that
    /// is not listed is observed as absent.
    pub fn matched(
        wanted: Vec<String>,
        items: &mut dyn Iterator<Item = (Option<String>, Option<String>)>,
    ) -> Vec<Observed> {
        let items: Vec<(Option<String>, Option<String>)> = items.collect();
        wanted
            .into_iter()
            .map(|key| {
                let state = items
                    .iter()
                    .find(|(k, _)| k.as_deref() == Some(key.as_str()))
                    .map(|(_, s)| s.clone().unwrap_or_default());
                Observed::new(Some(key), state)
            })
            .collect()
    }
}
