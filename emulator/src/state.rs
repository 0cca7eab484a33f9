//! The state file: the initial world of the emulator, as JSON.
//!
//! `alb-emulator --print-default-state` prints the default one; every field
//! but the IDs has a default, so a minimal file only lists what it needs.
//! Unknown keys are rejected so that a typo does not go unnoticed.

use serde::{Deserialize, Serialize};

use std::collections::BTreeMap;

use serde_json::{json, Value};

use crate::faults::FaultConfig;
use crate::world::World;

/// The whole state file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StateFile {
    /// The region the emulator answers for (`cn-hangzhou` when absent).
    #[serde(default = "default_region")]
    pub region: String,
    /// Delay of asynchronous jobs, in milliseconds (the CLI's
    /// `--job-delay-ms` and the builder's `job_delay` take precedence).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub job_delay_ms: Option<u64>,
    /// Key pairs accepted for signing; absent means the default pair
    /// ([`crate::DEFAULT_ACCESS_KEY_ID`]).
    #[serde(default = "default_access_keys")]
    pub access_keys: Vec<AccessKey>,
    #[serde(default)]
    pub load_balancers: Vec<LoadBalancerState>,
    #[serde(default)]
    pub listeners: Vec<ListenerState>,
    /// Certificates that exist in the account (Certificate Management Service).
    #[serde(default)]
    pub certificates: Vec<ServerCertificate>,
    /// What the API refers to and does not own: zones, VPCs and vSwitches,
    /// security groups, resource groups, backend servers, ...
    #[serde(default)]
    pub world: World,
    /// Records of any resource type of the spec (`resources.yaml`), by type
    /// name, by wire field names, as GetXxx/ListXxx would answer them
    /// (`{"ServerGroup": [{"ServerGroupId": "sgp-1", "VpcId": ...}]}`).
    /// `load_balancers` and `listeners` above are a shorter form of the same.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub resources: BTreeMap<String, Vec<Value>>,
    /// Faults to inject from the start.
    #[serde(default)]
    pub faults: FaultConfig,
}

/// An AccessKey pair the emulator accepts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccessKey {
    pub access_key_id: String,
    pub access_key_secret: String,
    /// STS security tokens accepted with this pair: absent means any token
    /// is accepted, an empty list means STS is refused.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub security_tokens: Option<Vec<String>>,
    /// A disabled key answers `InvalidAccessKeyId.Inactive`.
    #[serde(default = "yes")]
    pub enabled: bool,
}

impl AccessKey {
    pub fn new(id: impl Into<String>, secret: impl Into<String>) -> Self {
        Self {
            access_key_id: id.into(),
            access_key_secret: secret.into(),
            security_tokens: None,
            enabled: true,
        }
    }
}

/// A load balancer (ALB instance).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LoadBalancerState {
    pub load_balancer_id: String,
    /// How many additional certificates its listeners may carry in all.
    #[serde(default = "default_certificate_quota")]
    pub certificate_quota: u32,
    /// How many listeners it may have.
    #[serde(default = "default_listener_quota")]
    pub listener_quota: u32,
    /// `Active` lets listeners be created, started and stopped; anything
    /// else answers `IncorrectStatus.LoadBalancer`.
    #[serde(default = "default_lb_status")]
    pub status: String,
    /// `Normal`; anything else (`FinancialLocked`) answers
    /// `IncorrectBusinessStatus.LoadBalancer`.
    #[serde(default = "default_business_status")]
    pub business_status: String,
    /// Access key IDs that get `Forbidden.LoadBalancer` on this instance.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub forbidden_access_keys: Vec<String>,
}

impl LoadBalancerState {
    /// The record the engine keeps: what GetLoadBalancerAttribute answers
    /// for an instance in the default VPC with two zones.
    pub fn record(&self, region: &str) -> Value {
        let zones: Vec<Value> = ["cn-hangzhou-h", "cn-hangzhou-i"]
            .iter()
            .enumerate()
            .map(|(i, z)| {
                json!({
                    "ZoneId": z,
                    "VSwitchId": crate::world::default_vswitch(z),
                    "Status": "Active",
                    "LoadBalancerAddresses": [{"Address": format!("10.0.{i}.10"), "IntranetAddress": format!("192.168.{i}.10")}],
                })
            })
            .collect();
        json!({
            "LoadBalancerId": self.load_balancer_id,
            "LoadBalancerName": format!("emulator-{}", self.load_balancer_id),
            "LoadBalancerStatus": self.status,
            "LoadBalancerBussinessStatus": self.business_status,
            "LoadBalancerEdition": "Standard",
            "AddressType": "Internet",
            "AddressIpVersion": "IPv4",
            "AddressAllocatedMode": "Fixed",
            "Ipv6AddressType": "Intranet",
            "VpcId": crate::world::DEFAULT_VPC_ID,
            "ResourceGroupId": crate::world::DEFAULT_RESOURCE_GROUP_ID,
            "RegionId": region,
            "DNSName": format!("{}.{region}.alb.aliyuncsslb.com", self.load_balancer_id),
            "CreateTime": "2026-01-01T00:00:00Z",
            "LoadBalancerBillingConfig": {"PayType": "PostPay"},
            "DeletionProtectionConfig": {"Enabled": false},
            "ModificationProtectionConfig": {"Status": "NonProtection"},
            "ZoneMappings": zones,
            "SecurityGroupIds": [],
            "Tags": [],
            crate::engine::store::internal::FORBIDDEN: self.forbidden_access_keys,
            crate::engine::store::internal::QUOTAS: {"Listeners": self.listener_quota, "Certificates": self.certificate_quota},
        })
    }

    pub fn new(id: impl Into<String>) -> Self {
        Self {
            load_balancer_id: id.into(),
            certificate_quota: crate::DEFAULT_CERTIFICATE_QUOTA,
            listener_quota: crate::DEFAULT_LISTENER_QUOTA,
            status: default_lb_status(),
            business_status: default_business_status(),
            forbidden_access_keys: Vec::new(),
        }
    }
}

/// A listener.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListenerState {
    pub listener_id: String,
    pub load_balancer_id: String,
    /// `HTTP`, `HTTPS` or `QUIC`.
    pub listener_protocol: String,
    pub listener_port: i32,
    /// `Running`, `Stopped`, `Configuring`, `Provisioning`, ...
    #[serde(default = "default_listener_status")]
    pub listener_status: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub listener_description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_certificate_id: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub additional_certificates: Vec<CertificateBinding>,
    #[serde(default = "default_request_timeout")]
    pub request_timeout: i32,
    #[serde(default = "default_idle_timeout")]
    pub idle_timeout: i32,
    #[serde(default = "yes")]
    pub gzip_enabled: bool,
    #[serde(default = "yes")]
    pub http2_enabled: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub security_policy_id: Option<String>,
    #[serde(default)]
    pub ca_enabled: bool,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ca_certificate_ids: Vec<String>,
    /// Server groups of the default forward action.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub default_server_group_ids: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<Tag>,
    /// As the client sent it (the SDK's shared type, wire field names).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub x_forwarded_for_config: Option<alb_sdk::types::XForwardedForConfig>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quic_config: Option<alb_sdk::types::QuicConfig>,
}

impl ListenerState {
    /// The record the engine keeps, by the wire names
    /// GetListenerAttribute answers with.
    pub fn record(&self) -> Value {
        let mut r = json!({
            "ListenerId": self.listener_id,
            "LoadBalancerId": self.load_balancer_id,
            "ListenerProtocol": self.listener_protocol,
            "ListenerPort": self.listener_port,
            "ListenerStatus": self.listener_status,
            "RequestTimeout": self.request_timeout,
            "IdleTimeout": self.idle_timeout,
            "GzipEnabled": self.gzip_enabled,
            "Http2Enabled": self.http2_enabled,
            "CaEnabled": self.ca_enabled,
            "Certificates": self.default_certificate_id.iter().map(|c| json!({"CertificateId": c})).collect::<Vec<_>>(),
            "CaCertificates": self.ca_certificate_ids.iter().map(|c| json!({"CertificateId": c})).collect::<Vec<_>>(),
            "AdditionalCertificates": self.additional_certificates.iter().map(|b| json!({
                "CertificateId": b.certificate_id,
                "Status": b.status,
                crate::engine::store::internal::COUNT: b.association_count,
            })).collect::<Vec<_>>(),
            "Tags": self.tags.iter().map(|t| json!({"Key": t.key, "Value": t.value})).collect::<Vec<_>>(),
        });
        let map = r.as_object_mut().expect("an object");
        if let Some(d) = &self.listener_description {
            map.insert("ListenerDescription".into(), json!(d));
        }
        if let Some(p) = &self.security_policy_id {
            map.insert("SecurityPolicyId".into(), json!(p));
        }
        if !self.default_server_group_ids.is_empty() {
            let tuples: Vec<Value> = self
                .default_server_group_ids
                .iter()
                .map(|id| json!({"ServerGroupId": id}))
                .collect();
            map.insert(
                "DefaultActions".into(),
                json!([{"Type": "ForwardGroup", "ForwardGroupConfig": {"ServerGroupTuples": tuples}}]),
            );
        }
        if let Some(x) = &self.x_forwarded_for_config {
            map.insert(
                "XForwardedForConfig".into(),
                serde_json::to_value(x).unwrap_or_default(),
            );
        }
        if let Some(q) = &self.quic_config {
            map.insert(
                "QuicConfig".into(),
                serde_json::to_value(q).unwrap_or_default(),
            );
        }
        crate::engine::json::prune(&mut r);
        r
    }

    /// The short form of a listener record (for inspection).
    pub fn from_record(r: &Value) -> Self {
        let s = |k: &str| r.get(k).and_then(Value::as_str).map(str::to_string);
        let i = |k: &str, d: i32| r.get(k).and_then(Value::as_i64).map_or(d, |v| v as i32);
        let b = |k: &str, d: bool| r.get(k).and_then(Value::as_bool).unwrap_or(d);
        let ids = |k: &str| {
            crate::engine::json::list(r, k)
                .iter()
                .filter_map(|c| {
                    c.get("CertificateId")
                        .and_then(Value::as_str)
                        .map(str::to_string)
                })
                .collect::<Vec<_>>()
        };
        Self {
            listener_id: s("ListenerId").unwrap_or_default(),
            load_balancer_id: s("LoadBalancerId").unwrap_or_default(),
            listener_protocol: s("ListenerProtocol").unwrap_or_default(),
            listener_port: i("ListenerPort", 0),
            listener_status: s("ListenerStatus").unwrap_or_default(),
            listener_description: s("ListenerDescription"),
            default_certificate_id: ids("Certificates").into_iter().next(),
            additional_certificates: crate::engine::json::list(r, "AdditionalCertificates")
                .iter()
                .map(|c| CertificateBinding {
                    certificate_id: c
                        .get("CertificateId")
                        .and_then(Value::as_str)
                        .unwrap_or_default()
                        .into(),
                    status: c
                        .get("Status")
                        .and_then(Value::as_str)
                        .unwrap_or_default()
                        .into(),
                    association_count: c
                        .get(crate::engine::store::internal::COUNT)
                        .and_then(Value::as_u64)
                        .unwrap_or(1) as u32,
                })
                .collect(),
            request_timeout: i("RequestTimeout", 60),
            idle_timeout: i("IdleTimeout", 15),
            gzip_enabled: b("GzipEnabled", true),
            http2_enabled: b("Http2Enabled", true),
            security_policy_id: s("SecurityPolicyId"),
            ca_enabled: b("CaEnabled", false),
            ca_certificate_ids: ids("CaCertificates"),
            default_server_group_ids: crate::engine::json::list(r, "DefaultActions")
                .iter()
                .flat_map(|a| crate::engine::json::list(a, "ForwardGroupConfig.ServerGroupTuples"))
                .filter_map(|t| {
                    t.get("ServerGroupId")
                        .and_then(Value::as_str)
                        .map(str::to_string)
                })
                .collect(),
            tags: crate::engine::json::list(r, "Tags")
                .iter()
                .map(|t| Tag {
                    key: t
                        .get("Key")
                        .and_then(Value::as_str)
                        .unwrap_or_default()
                        .into(),
                    value: t
                        .get("Value")
                        .and_then(Value::as_str)
                        .unwrap_or_default()
                        .into(),
                })
                .collect(),
            x_forwarded_for_config: r
                .get("XForwardedForConfig")
                .and_then(|v| serde_json::from_value(v.clone()).ok()),
            quic_config: r
                .get("QuicConfig")
                .and_then(|v| serde_json::from_value(v.clone()).ok()),
        }
    }

    pub fn new(
        id: impl Into<String>,
        load_balancer_id: impl Into<String>,
        protocol: impl Into<String>,
        port: i32,
    ) -> Self {
        Self {
            listener_id: id.into(),
            load_balancer_id: load_balancer_id.into(),
            listener_protocol: protocol.into(),
            listener_port: port,
            listener_status: default_listener_status(),
            listener_description: None,
            default_certificate_id: None,
            additional_certificates: Vec::new(),
            request_timeout: default_request_timeout(),
            idle_timeout: default_idle_timeout(),
            gzip_enabled: true,
            http2_enabled: true,
            security_policy_id: None,
            ca_enabled: false,
            ca_certificate_ids: Vec::new(),
            default_server_group_ids: Vec::new(),
            tags: Vec::new(),
            x_forwarded_for_config: None,
            quic_config: None,
        }
    }
}

/// An additional certificate bound to a listener.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CertificateBinding {
    pub certificate_id: String,
    /// `Associating`, `Associated` or `Dissociating`.
    #[serde(default = "default_binding_status")]
    pub status: String,
    /// How many times an association call attached it (for tests: an
    /// idempotent retry must not count twice).
    #[serde(default = "one")]
    pub association_count: u32,
}

/// A certificate of the account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServerCertificate {
    pub certificate_id: String,
    /// `Server` or `Ca`.
    #[serde(default = "default_certificate_type")]
    pub certificate_type: String,
}

impl ServerCertificate {
    pub fn server(id: impl Into<String>) -> Self {
        Self {
            certificate_id: id.into(),
            certificate_type: "Server".into(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tag {
    pub key: String,
    #[serde(default)]
    pub value: String,
}

impl Default for StateFile {
    /// The default world (see the crate constants and emulator/README.md).
    fn default() -> Self {
        let mut https = ListenerState::new(
            crate::DEFAULT_HTTPS_LISTENER_ID,
            crate::DEFAULT_LOAD_BALANCER_ID,
            "HTTPS",
            443,
        );
        https.listener_description = Some("emulator-https-443".into());
        https.default_certificate_id = Some(crate::DEFAULT_CERTIFICATE_ID.into());
        https.security_policy_id = Some("tls_cipher_policy_1_0".into());
        https.default_server_group_ids = vec!["sgp-emulator0001".into()];
        let mut http = ListenerState::new(
            crate::DEFAULT_HTTP_LISTENER_ID,
            crate::DEFAULT_LOAD_BALANCER_ID,
            "HTTP",
            80,
        );
        http.listener_description = Some("emulator-http-80".into());
        http.http2_enabled = false;
        http.default_server_group_ids = vec!["sgp-emulator0001".into()];

        let mut certificates = vec![ServerCertificate::server(crate::DEFAULT_CERTIFICATE_ID)];
        certificates.extend(
            (1..=crate::DEFAULT_SERVER_CERTIFICATES)
                .map(|i| ServerCertificate::server(format!("cert-{i:04}"))),
        );
        let mut resources = BTreeMap::new();
        resources.insert(
            "ServerGroup".to_string(),
            vec![json!({
                "ServerGroupId": crate::DEFAULT_SERVER_GROUP_ID,
                "ServerGroupName": "emulator-default",
                "ServerGroupStatus": "Available",
                "ServerGroupType": "Instance",
                "Protocol": "HTTP",
                "Scheduler": "Wrr",
                "VpcId": crate::world::DEFAULT_VPC_ID,
                "ResourceGroupId": crate::world::DEFAULT_RESOURCE_GROUP_ID,
                "HealthCheckConfig": {"HealthCheckEnabled": false},
                "Servers": [],
            })],
        );
        Self {
            region: crate::DEFAULT_REGION.into(),
            job_delay_ms: None,
            access_keys: default_access_keys(),
            load_balancers: vec![LoadBalancerState::new(crate::DEFAULT_LOAD_BALANCER_ID)],
            listeners: vec![https, http],
            certificates,
            world: World::default(),
            resources,
            faults: FaultConfig::default(),
        }
    }
}

impl StateFile {
    /// Reads and checks a state file.
    pub fn from_json(text: &str) -> Result<Self, String> {
        let state: StateFile = serde_json::from_str(text).map_err(|e| e.to_string())?;
        state.check()?;
        Ok(state)
    }

    /// Loads a state file from disk.
    pub fn load(path: &std::path::Path) -> Result<Self, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        Self::from_json(&text).map_err(|e| format!("invalid state file {}: {e}", path.display()))
    }

    /// Pretty JSON, the format [`StateFile::from_json`] reads.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_else(|_| "{}".into())
    }

    /// Every record, by the spec's resource type: `resources`, then the
    /// load balancers and listeners of the short form.
    pub fn records(&self) -> BTreeMap<&'static str, Vec<Value>> {
        let mut out: BTreeMap<&'static str, Vec<Value>> = BTreeMap::new();
        for lb in &self.load_balancers {
            out.entry("LoadBalancer")
                .or_default()
                .push(lb.record(&self.region));
        }
        for l in &self.listeners {
            out.entry("Listener").or_default().push(l.record());
        }
        for (kind, list) in &self.resources {
            if let Some(kind) = crate::engine::store::Model::kind(kind) {
                out.entry(kind).or_default().extend(list.iter().cloned());
            }
        }
        out
    }

    /// Consistency: unique IDs, listeners on existing load balancers,
    /// resource types of the spec.
    pub fn check(&self) -> Result<(), String> {
        let mut problems = Vec::new();
        for (kind, list) in &self.resources {
            match alb_sdk::server::MODEL.resource(kind) {
                None => problems.push(format!("`{kind}` is not a resource type of the spec")),
                Some(r) => {
                    for (i, rec) in list.iter().enumerate() {
                        if rec.get(r.id).and_then(Value::as_str).is_none() {
                            problems.push(format!("resources.{kind}[{i}] has no {}", r.id));
                        }
                    }
                }
            }
        }
        let mut seen = std::collections::HashSet::new();
        for lb in &self.load_balancers {
            if !seen.insert(lb.load_balancer_id.as_str()) {
                problems.push(format!("duplicate load balancer {}", lb.load_balancer_id));
            }
        }
        let mut lsn = std::collections::HashSet::new();
        for l in &self.listeners {
            if !lsn.insert(l.listener_id.as_str()) {
                problems.push(format!("duplicate listener {}", l.listener_id));
            }
            if !seen.contains(l.load_balancer_id.as_str()) {
                problems.push(format!(
                    "listener {} is on unknown load balancer {}",
                    l.listener_id, l.load_balancer_id
                ));
            }
            if !matches!(l.listener_protocol.as_str(), "HTTP" | "HTTPS" | "QUIC") {
                problems.push(format!(
                    "listener {} has protocol {} (HTTP, HTTPS or QUIC)",
                    l.listener_id, l.listener_protocol
                ));
            }
        }
        let mut keys = std::collections::HashSet::new();
        for k in &self.access_keys {
            if !keys.insert(k.access_key_id.as_str()) {
                problems.push(format!("duplicate access key {}", k.access_key_id));
            }
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(problems.join("; "))
        }
    }
}

fn default_region() -> String {
    crate::DEFAULT_REGION.into()
}
fn default_access_keys() -> Vec<AccessKey> {
    vec![AccessKey::new(
        crate::DEFAULT_ACCESS_KEY_ID,
        crate::DEFAULT_ACCESS_KEY_SECRET,
    )]
}
fn yes() -> bool {
    true
}
fn one() -> u32 {
    1
}
fn default_certificate_quota() -> u32 {
    crate::DEFAULT_CERTIFICATE_QUOTA
}
fn default_listener_quota() -> u32 {
    crate::DEFAULT_LISTENER_QUOTA
}
fn default_lb_status() -> String {
    "Active".into()
}
fn default_business_status() -> String {
    "Normal".into()
}
fn default_listener_status() -> String {
    "Running".into()
}
fn default_binding_status() -> String {
    "Associated".into()
}
fn default_certificate_type() -> String {
    "Server".into()
}
fn default_request_timeout() -> i32 {
    60
}
fn default_idle_timeout() -> i32 {
    15
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_state_round_trips() {
        let s = StateFile::default();
        s.check().unwrap();
        let back = StateFile::from_json(&s.to_json()).unwrap();
        assert_eq!(back, s);
        assert_eq!(s.certificates.len(), 31);
    }

    #[test]
    fn minimal_file_gets_defaults() {
        let s = StateFile::from_json(
            r#"{"load_balancers":[{"load_balancer_id":"alb-1"}],
                "listeners":[{"listener_id":"lsn-1","load_balancer_id":"alb-1","listener_protocol":"HTTPS","listener_port":443}]}"#,
        )
        .unwrap();
        assert_eq!(s.region, "cn-hangzhou");
        assert_eq!(s.load_balancers[0].certificate_quota, 25);
        assert_eq!(s.listeners[0].listener_status, "Running");
        assert_eq!(s.access_keys, default_access_keys());
        assert!(s.certificates.is_empty());
    }

    #[test]
    fn unknown_keys_and_bad_references_are_refused() {
        assert!(StateFile::from_json(r#"{"regoin":"x"}"#).is_err());
        let e = StateFile::from_json(
            r#"{"listeners":[{"listener_id":"lsn-1","load_balancer_id":"alb-x","listener_protocol":"HTTPS","listener_port":443}]}"#,
        )
        .unwrap_err();
        assert!(e.contains("unknown load balancer"), "{e}");
    }
}
