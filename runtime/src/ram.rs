//! RAM policies from operation metadata.

use crate::operation::OperationMeta;

/// A least-privilege policy document allowing exactly these actions on
/// their documented resource types (IDs as `*`).
pub fn policy_document(operations: &[&OperationMeta], region_id: &str, account_id: &str) -> String {
    // Group actions by their resource set, so the policy stays short; both
    // sorted and without repeats (sorted vectors: a tree set per group
    // would add its code to every build for a once-off document).
    let mut groups: Vec<(Vec<String>, Vec<&str>)> = Vec::new();
    for op in operations {
        let mut resources: Vec<String> = if op.ram.resources.is_empty() {
            vec!["*".to_string()]
        } else {
            op.ram
                .resources
                .iter()
                .map(|r| r.arn(&[("regionId", region_id), ("accountId", account_id)]))
                .collect()
        };
        resources.sort_unstable();
        resources.dedup();
        match groups.iter_mut().find(|(r, _)| *r == resources) {
            Some((_, actions)) => actions.push(op.ram.action),
            None => groups.push((resources, vec![op.ram.action])),
        }
    }
    let statements: Vec<serde_json::Value> = groups
        .into_iter()
        .map(|(resources, mut actions)| {
            actions.sort_unstable();
            actions.dedup();
            serde_json::json!({
                "Effect": "Allow",
                "Action": actions,
                "Resource": resources,
            })
        })
        .collect();
    serde_json::to_string_pretty(&serde_json::json!({ "Version": "1", "Statement": statements }))
        .unwrap_or_default()
}
