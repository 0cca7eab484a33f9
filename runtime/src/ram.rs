//! RAM policies from operation metadata.

use crate::operation::OperationMeta;
use std::collections::BTreeSet;

/// A least-privilege policy document allowing exactly these actions on
/// their documented resource types (IDs as `*`).
pub fn policy_document(operations: &[&OperationMeta], region_id: &str, account_id: &str) -> String {
    let mut statements = Vec::new();
    // Group actions by their resource set, so the policy stays short.
    let mut groups: Vec<(BTreeSet<String>, BTreeSet<&str>)> = Vec::new();
    for op in operations {
        let resources: BTreeSet<String> = if op.ram.resources.is_empty() {
            ["*".to_string()].into()
        } else {
            op.ram
                .resources
                .iter()
                .map(|r| r.arn(&[("regionId", region_id), ("accountId", account_id)]))
                .collect()
        };
        match groups.iter_mut().find(|(r, _)| *r == resources) {
            Some((_, actions)) => {
                actions.insert(op.ram.action);
            }
            None => groups.push((resources, [op.ram.action].into())),
        }
    }
    for (resources, actions) in groups {
        statements.push(serde_json::json!({
            "Effect": "Allow",
            "Action": actions.into_iter().collect::<Vec<_>>(),
            "Resource": resources.into_iter().collect::<Vec<_>>(),
        }));
    }
    serde_json::to_string_pretty(&serde_json::json!({ "Version": "1", "Statement": statements }))
        .unwrap_or_default()
}
