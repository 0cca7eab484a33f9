//! The world around ALB: what the API refers to but does not own (regions
//! and zones, VPCs and their vSwitches, certificates, security groups,
//! resource groups, bandwidth packages, EIPs, backend servers, the system
//! TLS policies). It comes from the state file's `world`; the default one
//! is documented in emulator/README.md. `resources.yaml`'s `external`
//! section names the request fields that refer to each kind.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct World {
    #[serde(default = "default_regions")]
    pub regions: Vec<Region>,
    /// Zones of the emulator's region.
    #[serde(default = "default_zones")]
    pub zones: Vec<Zone>,
    #[serde(default = "default_vpcs")]
    pub vpcs: Vec<Vpc>,
    #[serde(default = "default_security_groups")]
    pub security_groups: Vec<String>,
    #[serde(default = "default_resource_groups")]
    pub resource_groups: Vec<String>,
    #[serde(default = "default_bandwidth_packages")]
    pub bandwidth_packages: Vec<String>,
    #[serde(default = "default_eips")]
    pub eips: Vec<String>,
    /// Backend servers by type: ECS instances, ENIs, ECIs (IPs and
    /// functions need no entry).
    #[serde(default = "default_backends")]
    pub backends: Vec<Backend>,
    #[serde(default = "default_system_policies")]
    pub system_security_policies: Vec<SystemSecurityPolicy>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Region {
    pub region_id: String,
    pub local_name: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Zone {
    pub zone_id: String,
    pub local_name: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Vpc {
    pub vpc_id: String,
    pub vswitches: Vec<VSwitch>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VSwitch {
    pub vswitch_id: String,
    pub zone_id: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Backend {
    /// `Ecs`, `Eni` or `Eci`.
    pub server_type: String,
    pub server_id: String,
    /// Its private IP address.
    pub ip: String,
    pub vpc_id: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SystemSecurityPolicy {
    pub security_policy_id: String,
    pub tls_versions: Vec<String>,
    pub ciphers: Vec<String>,
}

impl Default for World {
    fn default() -> Self {
        Self {
            regions: default_regions(),
            zones: default_zones(),
            vpcs: default_vpcs(),
            security_groups: default_security_groups(),
            resource_groups: default_resource_groups(),
            bandwidth_packages: default_bandwidth_packages(),
            eips: default_eips(),
            backends: default_backends(),
            system_security_policies: default_system_policies(),
        }
    }
}

impl World {
    /// Whether the world has `id` of `kind` (a `resources.yaml` external
    /// kind); certificates are the state file's own list.
    pub fn has(
        &self,
        kind: &str,
        id: &str,
        certificates: &[crate::state::ServerCertificate],
    ) -> bool {
        match kind {
            "vpc" => self.vpcs.iter().any(|v| v.vpc_id == id),
            "vswitch" => self.vswitch(id).is_some(),
            "certificate" => certificates.iter().any(|c| c.certificate_id == id),
            "security_group" => self.security_groups.iter().any(|s| s == id),
            "resource_group" => self.resource_groups.iter().any(|s| s == id),
            "bandwidth_package" => self.bandwidth_packages.iter().any(|s| s == id),
            "eip" => self.eips.iter().any(|s| s == id),
            // A kind the emulator does not model: anything goes.
            _ => true,
        }
    }

    /// The vSwitch and the VPC it is in.
    pub fn vswitch(&self, id: &str) -> Option<(&Vpc, &VSwitch)> {
        self.vpcs.iter().find_map(|v| {
            v.vswitches
                .iter()
                .find(|s| s.vswitch_id == id)
                .map(|s| (v, s))
        })
    }

    pub fn backend(&self, server_type: &str, id: &str) -> Option<&Backend> {
        self.backends
            .iter()
            .find(|b| b.server_type.eq_ignore_ascii_case(server_type) && b.server_id == id)
    }

    pub fn system_policy(&self, id: &str) -> Option<&SystemSecurityPolicy> {
        self.system_security_policies
            .iter()
            .find(|p| p.security_policy_id == id)
    }
}

/// The default VPC, with a vSwitch in each default zone.
pub const DEFAULT_VPC_ID: &str = "vpc-emulator0001";
/// The default resource group.
pub const DEFAULT_RESOURCE_GROUP_ID: &str = "rg-emulator0001";
const ZONES: [&str; 4] = [
    "cn-hangzhou-h",
    "cn-hangzhou-i",
    "cn-hangzhou-j",
    "cn-hangzhou-k",
];

/// The vSwitch of the default VPC in `zone` (`cn-hangzhou-h` ->
/// `vsw-emulator-h`).
pub fn default_vswitch(zone: &str) -> String {
    format!("vsw-emulator-{}", zone.rsplit('-').next().unwrap_or(zone))
}

fn default_regions() -> Vec<Region> {
    [
        ("cn-hangzhou", "China (Hangzhou)"),
        ("cn-shanghai", "China (Shanghai)"),
        ("cn-beijing", "China (Beijing)"),
        ("cn-shenzhen", "China (Shenzhen)"),
        ("ap-southeast-1", "Singapore"),
    ]
    .into_iter()
    .map(|(id, name)| Region {
        region_id: id.into(),
        local_name: name.into(),
    })
    .collect()
}

fn default_zones() -> Vec<Zone> {
    ZONES
        .iter()
        .map(|z| Zone {
            zone_id: z.to_string(),
            local_name: format!(
                "Hangzhou Zone {}",
                z.rsplit('-').next().unwrap_or("").to_uppercase()
            ),
        })
        .collect()
}

fn default_vpcs() -> Vec<Vpc> {
    vec![
        Vpc {
            vpc_id: DEFAULT_VPC_ID.into(),
            vswitches: ZONES
                .iter()
                .map(|z| VSwitch {
                    vswitch_id: default_vswitch(z),
                    zone_id: z.to_string(),
                })
                .collect(),
        },
        Vpc {
            vpc_id: "vpc-emulator0002".into(),
            vswitches: vec![VSwitch {
                vswitch_id: "vsw-emulator2-h".into(),
                zone_id: ZONES[0].into(),
            }],
        },
    ]
}

fn default_security_groups() -> Vec<String> {
    (1..=3).map(|i| format!("sg-emulator000{i}")).collect()
}

fn default_resource_groups() -> Vec<String> {
    vec![DEFAULT_RESOURCE_GROUP_ID.into(), "rg-emulator0002".into()]
}

fn default_bandwidth_packages() -> Vec<String> {
    vec!["cbwp-emulator0001".into(), "cbwp-emulator0002".into()]
}

fn default_eips() -> Vec<String> {
    (1..=4).map(|i| format!("eip-emulator000{i}")).collect()
}

fn default_backends() -> Vec<Backend> {
    let mut out = Vec::new();
    for i in 1..=10 {
        out.push(Backend {
            server_type: "Ecs".into(),
            server_id: format!("i-emulator{i:04}"),
            ip: format!("192.168.0.{}", 10 + i),
            vpc_id: DEFAULT_VPC_ID.into(),
        });
    }
    for i in 1..=3 {
        out.push(Backend {
            server_type: "Eni".into(),
            server_id: format!("eni-emulator{i:04}"),
            ip: format!("192.168.1.{}", 10 + i),
            vpc_id: DEFAULT_VPC_ID.into(),
        });
        out.push(Backend {
            server_type: "Eci".into(),
            server_id: format!("eci-emulator{i:04}"),
            ip: format!("192.168.2.{}", 10 + i),
            vpc_id: DEFAULT_VPC_ID.into(),
        });
    }
    out
}

fn default_system_policies() -> Vec<SystemSecurityPolicy> {
    let tls12 = [
        "ECDHE-ECDSA-AES128-GCM-SHA256",
        "ECDHE-ECDSA-AES256-GCM-SHA384",
        "ECDHE-RSA-AES128-GCM-SHA256",
        "ECDHE-RSA-AES256-GCM-SHA384",
    ];
    let policy = |id: &str, versions: &[&str], extra: &[&str]| SystemSecurityPolicy {
        security_policy_id: id.into(),
        tls_versions: versions.iter().map(|s| s.to_string()).collect(),
        ciphers: tls12.iter().chain(extra).map(|s| s.to_string()).collect(),
    };
    vec![
        policy(
            "tls_cipher_policy_1_0",
            &["TLSv1.0", "TLSv1.1", "TLSv1.2"],
            &["AES128-SHA", "AES256-SHA", "DES-CBC3-SHA"],
        ),
        policy(
            "tls_cipher_policy_1_1",
            &["TLSv1.1", "TLSv1.2"],
            &["AES128-SHA", "AES256-SHA"],
        ),
        policy(
            "tls_cipher_policy_1_2",
            &["TLSv1.2"],
            &["AES128-SHA256", "AES256-SHA256"],
        ),
        policy("tls_cipher_policy_1_2_strict", &["TLSv1.2"], &[]),
        policy(
            "tls_cipher_policy_1_2_strict_with_1_3",
            &["TLSv1.2", "TLSv1.3"],
            &[
                "TLS_AES_128_GCM_SHA256",
                "TLS_AES_256_GCM_SHA384",
                "TLS_CHACHA20_POLY1305_SHA256",
            ],
        ),
    ]
}
