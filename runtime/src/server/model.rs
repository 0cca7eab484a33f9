//! The resource model a server (the emulator) runs on: what each resource
//! type is (identifier, parent, status and lifecycle, children, tags) and
//! what each operation does to it (its binding). Generated from the spec
//! (`resources.yaml` and each operation's `emulator:`), read by the
//! emulator's generic engine, so an operation bound to a standard verb is
//! served without code of its own.

/// A resource type of the API.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Resource {
    /// `Listener`.
    pub name: &'static str,
    /// The identifier's wire name, in requests and in the stored record
    /// (`ListenerId`).
    pub id: &'static str,
    /// New identifiers are this prefix and random characters (`lsn-`).
    pub id_prefix: &'static str,
    /// The resource this one lives in; its identifier field is part of the
    /// record (a listener holds `LoadBalancerId`).
    pub parent: Option<&'static str>,
    /// The record's status field (`ListenerStatus`), if it has one.
    pub status: Option<&'static str>,
    /// The states of its lifecycle.
    pub states: States,
    /// `ResourceType` in tag operations (`listener`), when it is taggable.
    pub tag_type: Option<&'static str>,
    /// Collections inside the record that operations add to and remove from.
    pub children: &'static [Child],
    /// Fields set on creation: `{id}`, `{region}`, `{now}` are replaced.
    pub defaults: &'static [(&'static str, &'static str)],
}

/// The status values of a lifecycle; absent when the resource has none.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct States {
    /// While an asynchronous create runs (`Provisioning`).
    pub creating: Option<&'static str>,
    /// Settled: created, and no job running (`Active`).
    pub ready: Option<&'static str>,
    /// While an asynchronous change runs (`Configuring`).
    pub updating: Option<&'static str>,
    /// While an asynchronous delete runs.
    pub deleting: Option<&'static str>,
}

/// A collection inside a record (a listener's additional certificates, a
/// server group's servers), each item identified by `key`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Child {
    /// Its path in the record (`AclConfig.AclRelations`).
    pub path: &'static str,
    /// The fields that identify an item (`[ServerId, Port]`).
    pub key: &'static [&'static str],
    /// An item's status field, if items have one.
    pub status: Option<&'static str>,
    /// An item's state while an asynchronous add runs (`Associating`).
    pub adding: Option<&'static str>,
    /// An item's settled state (`Associated`).
    pub ready: Option<&'static str>,
    /// An item's state while an asynchronous removal runs
    /// (`Dissociating`).
    pub removing: Option<&'static str>,
}

/// Something the API refers to but does not own (a VPC, a certificate),
/// read from the server's world.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct External {
    /// The wire name that refers to it (`VSwitchId`; lists of it too).
    pub field: &'static str,
    /// `vswitch`: the world's collection.
    pub kind: &'static str,
    /// The code answered when it does not exist.
    pub not_found: &'static str,
}

/// What an operation does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verb {
    /// A new resource (or one per item of `items`).
    Create,
    /// One resource, found by its identifier.
    Get,
    /// Resources matching the request's filters, in pages.
    List,
    /// Changes a resource (or each of `items`): the request's fields, or `set`.
    Update,
    /// Removes a resource (or each of `ids`).
    Delete,
    /// A status change through an in-between state (`transition`).
    Transition,
    /// Adds the request's `items` to the child collection.
    Add,
    /// Removes the request's `items` from the child collection.
    Remove,
    /// Lists a child collection.
    ListChildren,
    /// Puts tags on resources.
    Tag,
    /// Removes tags from resources.
    Untag,
    /// Lists the tags of resources.
    ListTagResources,
    /// Lists the tag keys in use.
    ListTagKeys,
    /// Lists the values of a tag key.
    ListTagValues,
    /// The world's regions.
    Regions,
    /// The world's zones.
    Zones,
    /// The asynchronous jobs.
    Jobs,
    /// Only the hooks act: an operation no standard verb fits.
    Custom,
}

/// A value `set` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SetValue {
    /// A JSON literal (`true`, `"Internet"`).
    Literal(&'static str),
    /// A request field, by wire path.
    Request(&'static str),
    /// Removes the field.
    Remove,
}

/// `transition`: from which states, through which, to which.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Transition {
    /// States the resource must be in (others are refused).
    pub from: &'static [&'static str],
    /// The state while the job runs.
    pub via: &'static str,
    /// The state once it is done.
    pub to: &'static str,
}

/// An operation's binding to the resource model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Binding {
    /// The operation's `Action`.
    pub operation: &'static str,
    /// What it does.
    pub verb: Verb,
    /// The resource type it acts on ([`Resource::name`]).
    pub resource: Option<&'static str>,
    /// The request field holding the target's identifier, when it is not
    /// the resource's own id field (`ResourceId`).
    pub id: Option<&'static str>,
    /// A request list: the resources to create or update, or the child
    /// items to add or remove.
    pub items: Option<&'static str>,
    /// A request list of target identifiers (delete several), or the
    /// response list of created identifiers.
    pub ids: Option<&'static str>,
    /// The child collection (its path, as in [`Child::path`]).
    pub child: Option<&'static str>,
    /// The status change, for [`Verb::Transition`].
    pub transition: Option<Transition>,
    /// Fields written by update (`DeletionProtectionConfig.Enabled`).
    pub set: &'static [(&'static str, SetValue)],
    /// Business rules the server runs before the verb, by name.
    pub hooks: &'static [&'static str],
}

/// The whole model.
#[derive(Debug, Clone, Copy)]
pub struct Model {
    /// Every resource type.
    pub resources: &'static [Resource],
    /// Everything referred to but not owned.
    pub external: &'static [External],
    /// One binding per operation that has one.
    pub bindings: &'static [Binding],
    /// Every catalogue code, for answers an operation does not document.
    pub catalogue: &'static [&'static crate::ErrorCodeInfo],
}

impl Model {
    /// The resource type called `name` (`Listener`).
    pub fn resource(&self, name: &str) -> Option<&'static Resource> {
        self.resources.iter().find(|r| r.name == name)
    }

    /// The binding of `operation` (its `Action`).
    pub fn binding(&self, operation: &str) -> Option<&'static Binding> {
        self.bindings.iter().find(|b| b.operation == operation)
    }

    /// The resource type whose identifier field is `field`.
    pub fn by_id_field(&self, field: &str) -> Option<&'static Resource> {
        self.resources.iter().find(|r| r.id == field)
    }

    /// The resource type tagged as `tag_type` (ignoring ASCII case).
    pub fn by_tag_type(&self, tag_type: &str) -> Option<&'static Resource> {
        self.resources
            .iter()
            .find(|r| r.tag_type.is_some_and(|t| t.eq_ignore_ascii_case(tag_type)))
    }

    /// What wire name `field` refers to, when it is external.
    pub fn external(&self, field: &str) -> Option<&'static External> {
        self.external.iter().find(|e| e.field == field)
    }
}

impl Resource {
    /// The child collection at `path` in the record.
    pub fn child(&self, path: &str) -> Option<&'static Child> {
        self.children.iter().find(|c| c.path == path)
    }
}
