//! `ListAsynJobs`: the jobs that asynchronous calls started, as the job
//! waiter polls them.

use alb_runtime::server::RequestContext;
use alb_sdk::list_asyn_jobs as list_op;
use alb_sdk::types::{Job, JobOperateType, JobResourceType, JobStatus};

use super::{paginate, Outcome};
use crate::model::Model;

/// Every job the emulator runs works on a listener.
const RESOURCE_TYPE: &str = "listener";

/// Filters by job ID, resource, operation and start time (`BeginTime` and
/// `EndTime` bound when the job started, both inclusive), then pages.
pub fn list(
    m: &mut Model,
    _ctx: &RequestContext,
    req: list_op::ListAsynJobsRequest,
) -> Outcome<list_op::ListAsynJobsResponse> {
    let items: Vec<Job> = m
        .jobs
        .iter()
        .filter(|j| req.job_ids.is_empty() || req.job_ids.contains(&j.job_id))
        .filter(|j| req.resource_ids.is_empty() || req.resource_ids.contains(&j.resource_id))
        .filter(|_| {
            req.resource_type
                .as_deref()
                .is_none_or(|t| t.eq_ignore_ascii_case(RESOURCE_TYPE))
        })
        .filter(|j| req.api_name.as_deref().is_none_or(|a| a == j.action))
        .filter(|j| req.begin_time.is_none_or(|t| j.created_ms >= t))
        .filter(|j| req.end_time.is_none_or(|t| j.created_ms <= t))
        .map(|j| {
            let mut out = Job::default();
            out.id = Some(j.job_id.clone());
            out.api_name = Some(j.action.clone());
            out.status = Some(JobStatus::from(j.status()));
            out.operate_type = Some(JobOperateType::from(j.operate_type()));
            out.resource_type = Some(JobResourceType::from(RESOURCE_TYPE));
            out.resource_id = Some(j.resource_id.clone());
            out.create_time = Some(j.created_ms);
            out.modify_time = Some(j.finished_ms.unwrap_or(j.created_ms));
            if let Some(f) = j.failure.as_ref().filter(|_| j.done) {
                out.error_code = Some(f.code.clone());
                out.error_message = Some(f.message.clone());
            }
            out
        })
        .collect();
    let scope = format!(
        "ListAsynJobs\n{:?}\n{:?}\n{:?}\n{:?}\n{:?}\n{:?}",
        req.job_ids,
        req.resource_ids,
        req.resource_type,
        req.api_name,
        req.begin_time,
        req.end_time
    );
    let page = paginate(items, &scope, req.next_token.as_deref(), req.max_results)?;
    let mut out = list_op::ListAsynJobsResponse::default();
    out.jobs = page.items;
    out.max_results = Some(i64::from(page.max_results));
    out.next_token = page.next_token;
    out.total_count = Some(page.total as i64);
    Ok(out)
}
