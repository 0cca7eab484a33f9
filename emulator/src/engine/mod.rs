//! The generic engine: serves every operation from the spec's resource
//! model (`alb_sdk::server::MODEL`, generated from resources.yaml and each
//! operation's `emulator:` binding). A binding names a standard verb
//! (create, get, list, update, delete, transition, add, remove, ...) that
//! [`verbs`] implements once for every resource type; business rules the
//! verbs cannot know (port clashes, quotas, default certificates, deletion
//! protection) are small named [`hooks`].
//!
//! Checks every verb makes, in order: the target exists (`ResourceNotFound.*`),
//! the caller may use it (`Forbidden.*`), its status allows the change
//! (`ResourceInConfiguring.*`, `IncorrectStatus.*`) and so does its
//! parent's, the hooks' rules, every reference in the request exists
//! (resources and the world), and nothing still uses what is deleted
//! (`ResourceInUse.*`). Then `DryRun` answers `DryRunOperation`, or the
//! change is made, at once or through a job.

pub mod checks;
pub mod hooks;
pub mod json;
pub mod store;
pub mod verbs;

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Instant;

use alb_runtime::server::model::{Binding, Resource};
use alb_runtime::server::{JsonCall, JsonService, Refusal};
use serde_json::Value;

pub use store::Model;

/// The engine over the shared model.
#[derive(Clone)]
pub struct Engine {
    model: Arc<Mutex<Model>>,
}

impl Engine {
    pub fn new(model: Arc<Mutex<Model>>) -> Self {
        Self { model }
    }

    /// The model, with every due job applied.
    pub fn model(&self) -> MutexGuard<'_, Model> {
        let mut m = self.model.lock().unwrap_or_else(|p| p.into_inner());
        m.settle(Instant::now());
        m
    }
}

/// What a verb or a hook works with.
pub struct Cx<'a> {
    pub call: &'a JsonCall<'a>,
    pub binding: &'static Binding,
    pub resource: Option<&'static Resource>,
    pub m: &'a mut Model,
    /// The request, without absent fields.
    pub req: Value,
    pub dry_run: bool,
    /// The target found by the verb's checks (its ID), for the hooks.
    pub target: Option<String>,
}

impl Cx<'_> {
    pub fn documents(&self, code: &str) -> bool {
        self.call.documents(code)
    }

    pub fn action(&self) -> &'static str {
        self.call.meta.name
    }

    pub fn is_async(&self) -> bool {
        self.call.meta.is_async
    }

    /// A request field by wire path.
    pub fn field(&self, path: &str) -> Option<&Value> {
        json::get(&self.req, path)
    }

    pub fn text(&self, path: &str) -> Option<String> {
        self.field(path).and_then(json::text)
    }

    /// The point of no return: a dry run stops here, every check passed.
    pub fn commit(&self) -> Result<(), Refusal> {
        if self.dry_run {
            Err(Refusal::new::<String>("DryRunOperation", []))
        } else {
            Ok(())
        }
    }
}

impl JsonService for Engine {
    fn call(&self, call: JsonCall<'_>) -> Result<Value, Refusal> {
        let binding = store::spec()
            .binding(call.meta.name)
            .ok_or_else(|| Refusal::new("OperationNotSupported", [call.meta.name]))?;
        let resource = binding.resource.and_then(|r| store::spec().resource(r));
        let mut req = call.request.clone();
        json::prune_request(&mut req);
        let dry_run = req.get("DryRun").and_then(Value::as_bool) == Some(true);
        let mut m = self.model();
        let mut cx = Cx {
            call: &call,
            binding,
            resource,
            m: &mut m,
            req,
            dry_run,
            target: None,
        };
        verbs::run(&mut cx)
    }
}

/// Names of every hook the spec's bindings use that the engine does not
/// have (empty when the engine serves the whole spec).
pub fn missing_hooks() -> Vec<&'static str> {
    store::spec()
        .bindings
        .iter()
        .flat_map(|b| b.hooks.iter().copied())
        .filter(|h| hooks::find(h).is_none())
        .collect()
}
