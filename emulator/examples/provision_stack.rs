//! Provisions a complete ALB stack, lists it, and tears it down: a load
//! balancer (waiting until it is Active), a server group with two servers,
//! an HTTPS listener with a certificate forwarding to it, a forwarding rule,
//! an access control list on the listener, and tags. Every step prints its
//! RequestId and timing; every wait prints a line per poll with the state
//! it saw.
//!
//! By default it runs against the emulator, started in this process. With
//! credentials in the environment (`ALIBABA_CLOUD_ACCESS_KEY_ID`, ...) and
//! `ALB_STACK_REAL=1`, the same code runs against the real service; the
//! account's resources it needs come from the environment:
//!
//! | variable | example |
//! |---|---|
//! | `ALIBABA_CLOUD_REGION_ID` | `cn-hangzhou` |
//! | `ALB_STACK_VPC_ID` | `vpc-bp1...` |
//! | `ALB_STACK_VSWITCHES` | `cn-hangzhou-h=vsw-bp1...,cn-hangzhou-i=vsw-bp1...` |
//! | `ALB_STACK_ECS_IDS` | `i-bp1...,i-bp1...` |
//! | `ALB_STACK_CERTIFICATE_ID` | `12345-cn-hangzhou` |
//!
//! ```sh
//! cargo run -p alb-emulator --example provision_stack
//! ```

use std::time::{Duration, Instant};

use alb_sdk::types::{
    AclEntry, BackendServer, Certificate, DefaultAction, ForwardGroupConfig, HealthCheckConfig,
    LoadBalancerBillingConfig, NewTag, PathConfig, RuleAction, RuleCondition, ServerGroupTuple,
    ZoneMapping,
};
use alb_sdk::{Client, WaitPolicy};

type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

/// What the stack is built from: the emulator's world, or the account's.
struct Inputs {
    vpc_id: String,
    vswitches: Vec<(String, String)>,
    ecs_ids: Vec<String>,
    certificate_id: String,
}

impl Inputs {
    fn emulator() -> Self {
        Self {
            vpc_id: "vpc-emulator0001".into(),
            vswitches: vec![
                ("cn-hangzhou-h".into(), "vsw-emulator-h".into()),
                ("cn-hangzhou-i".into(), "vsw-emulator-i".into()),
            ],
            ecs_ids: vec!["i-emulator0001".into(), "i-emulator0002".into()],
            certificate_id: "cert-0001".into(),
        }
    }

    fn from_env() -> Result<Self> {
        let var =
            |k: &str| std::env::var(k).map_err(|_| format!("set {k} (see the example's docs)"));
        Ok(Self {
            vpc_id: var("ALB_STACK_VPC_ID")?,
            vswitches: var("ALB_STACK_VSWITCHES")?
                .split(',')
                .filter_map(|p| {
                    p.split_once('=')
                        .map(|(z, v)| (z.trim().to_string(), v.trim().to_string()))
                })
                .collect(),
            ecs_ids: var("ALB_STACK_ECS_IDS")?
                .split(',')
                .map(|s| s.trim().to_string())
                .collect(),
            certificate_id: var("ALB_STACK_CERTIFICATE_ID")?,
        })
    }
}

/// Prints one finished step: time since the start, what it was, its RequestId.
struct Log(Instant);

impl Log {
    fn step(&self, what: &str, request_id: Option<&str>, detail: &str) {
        println!(
            "[{:>6.2}s] {what:<40} RequestId {:<38} {detail}",
            self.0.elapsed().as_secs_f64(),
            request_id.unwrap_or("-"),
        );
    }
}

/// An optional value as text (`-` when absent).
fn show<T: std::fmt::Display>(v: &Option<T>) -> String {
    v.as_ref()
        .map_or_else(|| "-".to_string(), ToString::to_string)
}

/// A waiting policy that prints every poll.
fn progress(poll_every: Duration) -> WaitPolicy {
    WaitPolicy::default()
        .with_delays(poll_every, poll_every * 4)
        .with_timeout(Duration::from_secs(900))
        .with_progress(|p| {
            println!(
                "           ... {:<28} poll {:>2} after {:>5.2}s: {}",
                p.waiter,
                p.poll,
                p.elapsed.as_secs_f64(),
                p.state
            )
        })
}

async fn provision(client: &Client, inputs: &Inputs, poll: Duration) -> Result<()> {
    let log = Log(Instant::now());
    let wait = progress(poll);

    // The load balancer, in two zones of the VPC.
    let mut create = client
        .create_load_balancer()
        .load_balancer_name("sdk-demo-stack")
        .vpc_id(&inputs.vpc_id)
        .address_type("Internet")
        .load_balancer_edition("Standard")
        .load_balancer_billing_config(LoadBalancerBillingConfig::new("PostPay"))
        .tag(alb_sdk::types::Tag::new().key("app").value("sdk-demo"));
    for (zone, vswitch) in &inputs.vswitches {
        create = create.zone_mappings(ZoneMapping::new(vswitch, zone));
    }
    let lb = create.send().await?;
    let lb_id = lb.load_balancer_id.clone().unwrap_or_default();
    log.step("CreateLoadBalancer", lb.request_id.as_deref(), &lb_id);
    let active = lb.wait_with(client, wait).await?;
    log.step(
        "  load balancer Active",
        active.request_id.as_deref(),
        active.dns_name.as_deref().unwrap_or(""),
    );

    // A server group with two servers.
    let sg = client
        .create_server_group()
        .server_group_name("sdk-demo-servers")
        .vpc_id(&inputs.vpc_id)
        .protocol("HTTP")
        .health_check_config(
            HealthCheckConfig::new()
                .health_check_enabled(true)
                .health_check_path("/healthz"),
        )
        .send()
        .await?;
    let sg_id = sg.server_group_id.clone().unwrap_or_default();
    log.step("CreateServerGroup", sg.request_id.as_deref(), &sg_id);
    sg.wait_with(client, wait).await?;
    let mut add = client.add_servers_to_server_group().server_group_id(&sg_id);
    for id in &inputs.ecs_ids {
        add = add.servers(
            BackendServer::new()
                .server_id(id)
                .server_type("Ecs")
                .port(8080)
                .weight(100),
        );
    }
    let added = add.send().await?;
    log.step(
        "AddServersToServerGroup",
        added.request_id.as_deref(),
        &format!("{} servers", inputs.ecs_ids.len()),
    );
    added.wait_with(client, wait).await?;

    // An HTTPS listener with a certificate, forwarding to the group.
    let listener = client
        .create_listener()
        .load_balancer_id(&lb_id)
        .listener_protocol("HTTPS")
        .listener_port(443)
        .listener_description("sdk-demo-https")
        .certificates(Certificate::new(&inputs.certificate_id))
        .default_actions(DefaultAction::new(
            ForwardGroupConfig::new(vec![ServerGroupTuple::new(&sg_id)]),
            "ForwardGroup",
        ))
        .send()
        .await?;
    let listener_id = listener.listener_id.clone().unwrap_or_default();
    log.step(
        "CreateListener",
        listener.request_id.as_deref(),
        &listener_id,
    );
    listener.wait_with(client, wait).await?;

    // A forwarding rule: /api/* to the same group.
    let mut condition = RuleCondition::new("Path");
    condition.path_config = Some(PathConfig::new().values("/api/*"));
    let mut forward = RuleAction::new("ForwardGroup", 1);
    forward.forward_group_config =
        Some(ForwardGroupConfig::new(vec![ServerGroupTuple::new(&sg_id)]));
    let rule = client
        .create_rule()
        .listener_id(&listener_id)
        .rule_name("sdk-demo-api")
        .priority(10)
        .rule_conditions(condition)
        .rule_actions(forward)
        .send()
        .await?;
    let rule_id = rule.rule_id.clone().unwrap_or_default();
    log.step("CreateRule", rule.request_id.as_deref(), &rule_id);
    rule.wait_with(client, wait).await?;

    // An access control list on the listener.
    let acl = client.create_acl().acl_name("sdk-demo-acl").send().await?;
    let acl_id = acl.acl_id.clone().unwrap_or_default();
    log.step("CreateAcl", acl.request_id.as_deref(), &acl_id);
    acl.wait_with(client, wait).await?;
    let entries = client
        .add_entries_to_acl()
        .acl_id(&acl_id)
        .acl_entries(AclEntry::new("10.0.0.0/8"))
        .acl_entries(AclEntry::new("192.168.0.0/16"))
        .send()
        .await?;
    log.step(
        "AddEntriesToAcl",
        entries.request_id.as_deref(),
        "2 entries",
    );
    entries.wait_with(client, wait).await?;
    let assoc = client
        .associate_acls_with_listener()
        .listener_id(&listener_id)
        .acl_ids(&acl_id)
        .acl_type("White")
        .send()
        .await?;
    log.step(
        "AssociateAclsWithListener",
        assoc.request_id.as_deref(),
        "White",
    );
    assoc.wait_with(client, wait).await?;

    // Tags on the server group and the ACL.
    for (kind, id) in [("servergroup", &sg_id), ("acl", &acl_id)] {
        let tag = NewTag::new().key("app").value("sdk-demo");
        let out = client
            .tag_resources()
            .resource_type(kind)
            .resource_id(id)
            .tag(tag)
            .send()
            .await?;
        log.step(
            &format!("TagResources {kind}"),
            out.request_id.as_deref(),
            id,
        );
    }

    // What was built.
    println!("\nThe stack:");
    let lb = client
        .get_load_balancer_attribute()
        .load_balancer_id(&lb_id)
        .send()
        .await?;
    println!(
        "  load balancer {lb_id}: {}, {}",
        show(&lb.load_balancer_status),
        show(&lb.dns_name)
    );
    let listeners = client
        .list_listeners()
        .load_balancer_ids(&lb_id)
        .send()
        .await?;
    for l in listeners.listeners {
        let (id, protocol, port) = (
            show(&l.listener_id),
            show(&l.listener_protocol),
            show(&l.listener_port),
        );
        println!(
            "  listener {id}: {protocol} port {port}, {}",
            show(&l.listener_status)
        );
    }
    for r in client
        .list_rules()
        .listener_ids(&listener_id)
        .send()
        .await?
        .rules
    {
        println!(
            "  rule {}: priority {}, {}",
            show(&r.rule_id),
            show(&r.priority),
            show(&r.rule_status)
        );
    }
    let servers = client
        .list_server_group_servers()
        .server_group_id(&sg_id)
        .into_paginator();
    for s in servers.try_collect().await? {
        let (id, port, weight) = (show(&s.server_id), show(&s.port), show(&s.weight));
        println!("  server {id}:{port} weight {weight}, {}", show(&s.status));
    }
    for e in client
        .list_acl_entries()
        .acl_id(&acl_id)
        .into_paginator()
        .try_collect()
        .await?
    {
        println!("  ACL entry {}: {}", show(&e.entry), show(&e.status));
    }
    let tagged = client
        .list_tag_resources()
        .resource_type("servergroup")
        .resource_id(&sg_id)
        .send()
        .await?;
    for t in tagged.tag_resources {
        println!(
            "  tag on {}: {}={}",
            show(&t.resource_id),
            show(&t.tag_key),
            show(&t.tag_value)
        );
    }
    println!();

    // Teardown, in reverse.
    let out = client
        .dissociate_acls_from_listener()
        .listener_id(&listener_id)
        .acl_ids(&acl_id)
        .send()
        .await?;
    log.step(
        "DissociateAclsFromListener",
        out.request_id.as_deref(),
        &acl_id,
    );
    out.wait_with(client, wait).await?;
    let out = client.delete_acl().acl_id(&acl_id).send().await?;
    log.step("DeleteAcl", out.request_id.as_deref(), &acl_id);
    out.wait_with(client, wait).await?;
    let out = client.delete_rule().rule_id(&rule_id).send().await?;
    log.step("DeleteRule", out.request_id.as_deref(), &rule_id);
    out.wait_with(client, wait).await?;
    let out = client
        .delete_listener()
        .listener_id(&listener_id)
        .send()
        .await?;
    log.step("DeleteListener", out.request_id.as_deref(), &listener_id);
    out.wait_with(client, wait).await?;
    let out = client
        .delete_server_group()
        .server_group_id(&sg_id)
        .send()
        .await?;
    log.step("DeleteServerGroup", out.request_id.as_deref(), &sg_id);
    out.wait_with(client, wait).await?;
    let out = client
        .delete_load_balancer()
        .load_balancer_id(&lb_id)
        .send()
        .await?;
    log.step("DeleteLoadBalancer", out.request_id.as_deref(), &lb_id);
    out.wait_with(client, wait).await?;
    log.step("Stack deleted", None, "");
    Ok(())
}

#[tokio::main]
async fn main() -> Result<()> {
    let real = std::env::var("ALB_STACK_REAL").as_deref() == Ok("1");
    if real {
        println!("Against the real service (ALB_STACK_REAL=1).\n");
        let inputs = Inputs::from_env()?;
        let client = Client::from_env().await?;
        return provision(&client, &inputs, Duration::from_secs(3)).await;
    }
    let emu = alb_emulator::Emulator::builder()
        .job_delay(Duration::from_millis(300))
        .start()
        .await?;
    println!(
        "Against the ALB emulator at {} (set ALB_STACK_REAL=1 for a real account).\n",
        emu.base_url()
    );
    let client = Client::new(emu.client_config().build())?;
    let outcome = provision(&client, &Inputs::emulator(), Duration::from_millis(100)).await;
    emu.shutdown().await;
    outcome
}
