//! The job waiter over ListAsynJobs: a job that succeeds, one that fails
//! (with the job's error code and message), one that outlives the policy,
//! and a job ID that is empty. Also ListAsynJobs' filters and pages.

mod common;

use std::time::Duration;

use alb_emulator::{Fault, FaultRule};
use alb_runtime::signing::SignatureVersion;
use alb_runtime::{WaitPolicy, WaiterError};
use alb_sdk::types::{JobOperateType, JobResourceType, JobStatus};
use common::*;
use futures_util::StreamExt;

fn fast_policy() -> WaitPolicy {
    WaitPolicy::new(
        Duration::from_millis(50),
        Duration::from_millis(100),
        2.0,
        Duration::from_secs(10),
    )
}

async fn stop(client: &alb_sdk::Client) -> String {
    let out = client
        .stop_listener()
        .listener_id(HTTPS)
        .send()
        .await
        .unwrap();
    out.job_id.expect("JobId")
}

#[tokio::test]
async fn a_job_that_succeeds() {
    let emu = start().await;
    let client = client(&emu, SignatureVersion::V3);
    let job_id = stop(&client).await;

    let listed = client
        .list_asyn_jobs()
        .job_ids(job_id.clone())
        .send()
        .await
        .unwrap();
    let job = &listed.jobs[0];
    assert_eq!(job.status, Some(JobStatus::Processing));
    assert_eq!(job.api_name.as_deref(), Some("StopListener"));
    assert_eq!(job.resource_id.as_deref(), Some(HTTPS));
    assert_eq!(job.resource_type, Some(JobResourceType::Listener));
    assert_eq!(job.operate_type, Some(JobOperateType::Update));

    let done = client
        .wait_for_job(&job_id, Some(fast_policy()))
        .await
        .unwrap();
    let job = done
        .jobs
        .iter()
        .find(|j| j.id.as_deref() == Some(job_id.as_str()))
        .unwrap();
    assert_eq!(job.status, Some(JobStatus::Succeeded));
    assert!(job.error_code.is_none());
    assert!(job.modify_time >= job.create_time);
    assert_eq!(emu.listener(HTTPS).unwrap().listener_status, "Stopped");
    emu.shutdown().await;
}

#[tokio::test]
async fn a_failed_job_ends_the_wait_with_its_error() {
    let emu = builder()
        .fault(FaultRule::on_calls(
            "StopListener",
            [1],
            Fault::JobFails {
                code: "Conflict.Lock".into(),
                message: "The resource is being changed by another job.".into(),
            },
        ))
        .start()
        .await
        .unwrap();
    let client = client(&emu, SignatureVersion::V1);
    // The call itself succeeds; its job fails later.
    let job_id = stop(&client).await;
    assert_eq!(emu.listener(HTTPS).unwrap().listener_status, "Stopping");

    let started = std::time::Instant::now();
    let err = client
        .wait_for_job(&job_id, Some(fast_policy()))
        .await
        .unwrap_err();
    // Failed is terminal: the wait ends when the job does, not at the timeout.
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    match &err {
        WaiterError::Failed { waiter, state } => {
            assert_eq!(*waiter, "JobFinished");
            assert!(state.contains("Failed"), "{state}");
            assert!(state.contains("Conflict.Lock"), "{state}");
            assert!(state.contains("being changed by another job"), "{state}");
        }
        other => panic!("expected a failed wait, got {other:?}"),
    }
    assert!(err.to_string().contains("Conflict.Lock"), "{err}");
    // The listener is back as it was before the call.
    assert_eq!(emu.listener(HTTPS).unwrap().listener_status, "Running");

    // ListAsynJobs shows the failure, and the next call's job succeeds.
    let listed = client
        .list_asyn_jobs()
        .job_ids(job_id.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(listed.jobs[0].status, Some(JobStatus::Failed));
    assert_eq!(listed.jobs[0].error_code.as_deref(), Some("Conflict.Lock"));
    let again = stop(&client).await;
    client
        .wait_for_job(&again, Some(fast_policy()))
        .await
        .unwrap();
    assert_eq!(emu.listener(HTTPS).unwrap().listener_status, "Stopped");
    emu.shutdown().await;
}

#[tokio::test]
async fn a_failed_creation_leaves_no_listener() {
    let emu = builder()
        .fault(FaultRule::always(
            "CreateListener",
            Fault::JobFails {
                code: "InternalError".into(),
                message: "injected".into(),
            },
        ))
        .start()
        .await
        .unwrap();
    let client = client(&emu, SignatureVersion::V3);
    let created = client
        .create_listener()
        .load_balancer_id(LB)
        .listener_protocol("HTTP")
        .listener_port(8081)
        .default_actions(alb_sdk::types::DefaultAction::new(
            alb_sdk::types::ForwardGroupConfig::new(vec![alb_sdk::types::ServerGroupTuple::new(
                "sgp-emulator0001",
            )]),
            "ForwardGroup",
        ))
        .send()
        .await
        .unwrap();
    let id = created.listener_id.clone().unwrap();
    assert!(emu.listener(&id).is_some());
    let err = client
        .wait_for_job(created.job_id.as_deref().unwrap(), Some(fast_policy()))
        .await
        .unwrap_err();
    assert!(matches!(err, WaiterError::Failed { .. }), "{err:?}");
    assert!(emu.listener(&id).is_none());
    emu.shutdown().await;
}

#[tokio::test]
async fn a_job_that_outlives_the_policy_times_out() {
    let emu = alb_emulator::Emulator::builder()
        .job_delay(Duration::from_secs(30))
        .start()
        .await
        .unwrap();
    let client = client(&emu, SignatureVersion::V3);
    let job_id = stop(&client).await;
    let policy = WaitPolicy::new(
        Duration::from_millis(20),
        Duration::from_millis(40),
        2.0,
        Duration::from_millis(300),
    );
    let err = client
        .wait_for_job(&job_id, Some(policy))
        .await
        .unwrap_err();
    match err {
        WaiterError::Timeout {
            waiter, last_state, ..
        } => {
            assert_eq!(waiter, "JobFinished");
            assert!(last_state.unwrap_or_default().contains("Processing"));
        }
        other => panic!("expected a timeout, got {other:?}"),
    }
    emu.shutdown().await;
}

#[tokio::test]
async fn an_empty_job_id_is_refused_before_polling() {
    let emu = start().await;
    let client = client(&emu, SignatureVersion::V3);
    let err = client.wait_for_job("", None).await.unwrap_err();
    match err {
        WaiterError::MissingInput { waiter, inputs } => {
            assert_eq!(waiter, "JobFinished");
            assert_eq!(inputs, vec!["JobIds"]);
        }
        other => panic!("expected missing input, got {other:?}"),
    }
    assert!(emu
        .requests()
        .iter()
        .all(|r| r.action.as_deref() != Some("ListAsynJobs")));
    emu.shutdown().await;
}

#[tokio::test]
async fn an_unknown_job_counts_as_not_listed_yet() {
    let emu = start().await;
    let client = client(&emu, SignatureVersion::V3);
    let policy = WaitPolicy::new(
        Duration::from_millis(20),
        Duration::from_millis(20),
        1.0,
        Duration::from_millis(200),
    );
    let err = client
        .wait_for_job("no-such-job", Some(policy))
        .await
        .unwrap_err();
    assert!(matches!(err, WaiterError::Timeout { .. }), "{err:?}");
    emu.shutdown().await;
}

#[tokio::test]
async fn list_asyn_jobs_filters_and_pages() {
    let emu = start().await;
    let client = client(&emu, SignatureVersion::V3);
    let first = stop(&client).await;
    client
        .wait_for_job(&first, Some(fast_policy()))
        .await
        .unwrap();
    let second = client
        .start_listener()
        .listener_id(HTTPS)
        .send()
        .await
        .unwrap()
        .job_id
        .unwrap();
    client
        .wait_for_job(&second, Some(fast_policy()))
        .await
        .unwrap();
    let third = client
        .stop_listener()
        .listener_id(HTTP)
        .send()
        .await
        .unwrap()
        .job_id
        .unwrap();

    let by_api = client
        .list_asyn_jobs()
        .api_name("StopListener")
        .send()
        .await
        .unwrap();
    let ids: Vec<_> = by_api.jobs.iter().filter_map(|j| j.id.clone()).collect();
    assert_eq!(ids, vec![first.clone(), third.clone()]);
    assert_eq!(by_api.total_count, Some(2));

    let by_resource = client
        .list_asyn_jobs()
        .resource_ids(HTTP)
        .send()
        .await
        .unwrap();
    assert_eq!(by_resource.jobs.len(), 1);
    let other_type = client
        .list_asyn_jobs()
        .resource_type("acl")
        .send()
        .await
        .unwrap();
    assert!(other_type.jobs.is_empty());

    // Pages of one, walked by the paginator.
    let pages: Vec<_> = client
        .list_asyn_jobs()
        .into_paginator()
        .page_size(1)
        .pages()
        .collect()
        .await;
    assert_eq!(pages.len(), 3);
    let seen: Vec<_> = pages
        .into_iter()
        .flat_map(|p| p.unwrap().jobs)
        .filter_map(|j| j.id)
        .collect();
    assert_eq!(seen, vec![first, second, third]);

    // A time window after every job matches none.
    let later = client
        .list_asyn_jobs()
        .begin_time(i64::MAX - 1)
        .send()
        .await
        .unwrap();
    assert!(later.jobs.is_empty());
    emu.shutdown().await;
}

static POLLS: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);

fn count_poll(p: &alb_runtime::waiter::Progress<'_>) {
    assert_eq!(p.waiter, "JobFinished");
    assert!(
        p.state.contains("Processing") || p.state.contains("Succeeded"),
        "{}",
        p.state
    );
    POLLS.store(p.poll, std::sync::atomic::Ordering::SeqCst);
}

#[tokio::test]
async fn a_wait_reports_every_poll() {
    let emu = start().await;
    let client = client(&emu, SignatureVersion::V3);
    let job_id = stop(&client).await;
    let policy = fast_policy().with_progress(count_poll);
    client.wait_for_job(&job_id, Some(policy)).await.unwrap();
    let polls = emu
        .requests()
        .iter()
        .filter(|r| r.action.as_deref() == Some("ListAsynJobs"))
        .count();
    assert!(polls >= 2, "{polls}");
    assert_eq!(
        POLLS.load(std::sync::atomic::Ordering::SeqCst) as usize,
        polls
    );
}
