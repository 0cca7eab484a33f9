//! The engine serves every operation of the spec: each has a binding to
//! the resource model, every hook a binding names exists, and every
//! resource type is reachable from a create or the state file.

use alb_sdk::server::{ACTIONS, MODEL};

#[test]
fn every_operation_is_bound_and_every_hook_exists() {
    let unbound: Vec<&&str> = ACTIONS
        .iter()
        .filter(|a| MODEL.binding(a).is_none())
        .collect();
    assert!(
        unbound.is_empty(),
        "operations the emulator does not serve: {unbound:?}"
    );
    let missing = alb_emulator::engine::missing_hooks();
    assert!(
        missing.is_empty(),
        "hooks the spec names that the engine lacks: {missing:?}"
    );
    for b in MODEL.bindings {
        if let Some(r) = b.resource {
            assert!(
                MODEL.resource(r).is_some(),
                "{}: unknown resource {r}",
                b.operation
            );
        }
    }
}

#[test]
fn every_resource_type_can_be_created() {
    use alb_runtime::server::model::Verb;
    for r in MODEL.resources {
        let created = MODEL
            .bindings
            .iter()
            .any(|b| b.verb == Verb::Create && b.resource == Some(r.name));
        assert!(created, "no operation creates {}", r.name);
    }
}
