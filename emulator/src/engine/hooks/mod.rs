//! Business rules the standard verbs cannot know, each named after the
//! rule and run where a binding lists it (`hooks: [listener_port_clash]`):
//! `before` runs after the verb found and checked its target and before it
//! changes anything (a refusal stops the call); `after` may complete the
//! answer or, for the verb `custom`, do the whole work.

mod listeners;
mod load_balancers;
mod others;

use alb_runtime::server::Refusal;
use serde_json::Value;

use super::Cx;

pub type Before = fn(&mut Cx) -> Result<(), Refusal>;
pub type After = fn(&mut Cx, &mut Value) -> Result<(), Refusal>;

/// One rule.
pub struct Hook {
    pub name: &'static str,
    pub before: Option<Before>,
    pub after: Option<After>,
}

const HOOKS: &[Hook] = &[
    // Load balancers.
    Hook {
        name: "zone_mappings_in_vpc",
        before: Some(load_balancers::zone_mappings_in_vpc),
        after: None,
    },
    Hook {
        name: "load_balancer_addresses",
        before: None,
        after: Some(load_balancers::addresses),
    },
    Hook {
        name: "security_group_ids_flat",
        before: None,
        after: Some(load_balancers::security_group_ids_flat),
    },
    Hook {
        name: "deletion_protection",
        before: Some(load_balancers::deletion_protection),
        after: None,
    },
    Hook {
        name: "access_log_off",
        before: Some(load_balancers::access_log_off),
        after: None,
    },
    Hook {
        name: "access_log_on",
        before: Some(load_balancers::access_log_on),
        after: None,
    },
    Hook {
        name: "dual_stack",
        before: Some(load_balancers::dual_stack),
        after: None,
    },
    Hook {
        name: "ipv6_type_changes",
        before: Some(load_balancers::ipv6_type_changes),
        after: None,
    },
    Hook {
        name: "edition_change",
        before: Some(load_balancers::edition_change),
        after: None,
    },
    Hook {
        name: "address_type_changes",
        before: Some(load_balancers::address_type_changes),
        after: None,
    },
    Hook {
        name: "capacity_reservation",
        before: None,
        after: Some(load_balancers::capacity_reservation),
    },
    Hook {
        name: "shift_zones",
        before: None,
        after: Some(load_balancers::shift_zones),
    },
    Hook {
        name: "move_resource_group",
        before: None,
        after: Some(load_balancers::move_resource_group),
    },
    // Listeners.
    Hook {
        name: "listener_port_clash",
        before: Some(listeners::port_clash),
        after: None,
    },
    Hook {
        name: "listener_quota",
        before: Some(listeners::quota),
        after: None,
    },
    Hook {
        name: "listener_certificates",
        before: Some(listeners::certificates),
        after: None,
    },
    Hook {
        name: "quic_association",
        before: Some(listeners::quic_association),
        after: None,
    },
    Hook {
        name: "https_listener_only",
        before: Some(listeners::https_only),
        after: None,
    },
    Hook {
        name: "additional_certificates",
        before: Some(listeners::additional_certificates),
        after: None,
    },
    Hook {
        name: "default_certificate_kept",
        before: Some(listeners::default_certificate_kept),
        after: None,
    },
    Hook {
        name: "listener_certificates_listing",
        before: None,
        after: Some(listeners::certificates_listing),
    },
    Hook {
        name: "listener_health",
        before: None,
        after: Some(listeners::health),
    },
    Hook {
        name: "listener_logs_need_access_log",
        before: Some(listeners::logs_need_access_log),
        after: None,
    },
    Hook {
        name: "acl_type_consistent",
        before: Some(listeners::acl_type_consistent),
        after: None,
    },
    // Rules, server groups, ACLs, policies.
    Hook {
        name: "rule_priority_unique",
        before: Some(others::rule_priority_unique),
        after: None,
    },
    Hook {
        name: "server_group_counts",
        before: None,
        after: Some(others::server_group_counts),
    },
    Hook {
        name: "backend_servers_exist",
        before: Some(others::backend_servers_exist),
        after: None,
    },
    Hook {
        name: "backend_servers_unique",
        before: Some(others::backend_servers_unique),
        after: None,
    },
    Hook {
        name: "replace_servers",
        before: None,
        after: Some(others::replace_servers),
    },
    Hook {
        name: "update_servers",
        before: None,
        after: Some(others::update_servers),
    },
    Hook {
        name: "acl_relations",
        before: None,
        after: Some(others::acl_relations),
    },
    Hook {
        name: "system_security_policies",
        before: None,
        after: Some(others::system_security_policies),
    },
    Hook {
        name: "security_policy_relations",
        before: None,
        after: Some(others::security_policy_relations),
    },
    Hook {
        name: "apply_health_check_template",
        before: None,
        after: Some(others::apply_health_check_template),
    },
];

pub fn find(name: &str) -> Option<&'static Hook> {
    HOOKS.iter().find(|h| h.name == name)
}

/// Every hook's before-step, in the binding's order.
pub fn before(cx: &mut Cx) -> Result<(), Refusal> {
    for name in cx.binding.hooks {
        if let Some(f) = find(name).and_then(|h| h.before) {
            f(cx)?;
        }
    }
    Ok(())
}

/// Every hook's after-step, in the binding's order.
pub fn after(cx: &mut Cx, out: &mut Value) -> Result<(), Refusal> {
    for name in cx.binding.hooks {
        if let Some(f) = find(name).and_then(|h| h.after) {
            f(cx, out)?;
        }
    }
    Ok(())
}
