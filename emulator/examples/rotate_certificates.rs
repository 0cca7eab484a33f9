//! Rotating a listener's TLS certificates, end to end: associate, wait,
//! list (paginated), dissociate, wait.
//!
//! With no configuration it starts the ALB emulator in-process and runs
//! against it. Against Alibaba Cloud, set credentials and a region the
//! usual way (ALIBABA_CLOUD_ACCESS_KEY_ID, ALIBABA_CLOUD_ACCESS_KEY_SECRET,
//! ALIBABA_CLOUD_REGION_ID) plus:
//!   ALB_LISTENER_ID     an HTTPS or QUIC listener
//!   ALB_CERTIFICATE_IDS two or more server certificate IDs, comma-separated
//! (or ALIBABA_CLOUD_ALB_ENDPOINT to target another endpoint).
//!
//! Run: `cargo run -p alb-emulator --example rotate_certificates`

use alb_sdk::associate_additional_certificates_with_listener as associate;
use alb_sdk::dissociate_additional_certificates_from_listener as dissociate;
use alb_sdk::{Client, Config, Credentials};
use futures_util::StreamExt;
use std::error::Error;
use std::time::Duration;

type Result<T> = std::result::Result<T, Box<dyn Error>>;

struct Target {
    client: Client,
    listener_id: String,
    certificates: Vec<String>,
    _emulator: Option<alb_emulator::RunningEmulator>,
}

async fn target() -> Result<Target> {
    let real = std::env::var("ALB_LISTENER_ID").is_ok();
    if real {
        let certificates: Vec<String> = std::env::var("ALB_CERTIFICATE_IDS")
            .map_err(|_| "set ALB_CERTIFICATE_IDS to two or more certificate IDs")?
            .split(',')
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect();
        if certificates.len() < 2 {
            return Err("ALB_CERTIFICATE_IDS needs at least two certificate IDs".into());
        }
        println!("Using Alibaba Cloud (credentials and region from the environment)");
        return Ok(Target {
            client: Client::from_env().await?,
            listener_id: std::env::var("ALB_LISTENER_ID")?,
            certificates,
            _emulator: None,
        });
    }
    let emulator = alb_emulator::Emulator::builder()
        .job_delay(Duration::from_millis(1500))
        .start()
        .await?;
    println!(
        "No listener configured: started the ALB emulator at {}",
        emulator.base_url()
    );
    let config = Config::builder()
        .endpoint_url(emulator.base_url())
        .region(alb_emulator::DEFAULT_REGION)
        .credentials(Credentials::new(
            alb_emulator::DEFAULT_ACCESS_KEY_ID,
            alb_emulator::DEFAULT_ACCESS_KEY_SECRET,
        ))
        .build();
    Ok(Target {
        client: Client::new(config)?,
        listener_id: alb_emulator::DEFAULT_HTTPS_LISTENER_ID.to_string(),
        certificates: vec!["cert-0001".into(), "cert-0002".into(), "cert-0003".into()],
        _emulator: Some(emulator),
    })
}

async fn list(client: &Client, listener_id: &str) -> Result<()> {
    let mut items = Box::pin(
        client
            .list_listener_certificates()
            .listener_id(listener_id)
            .into_paginator()
            .page_size(2)
            .items(),
    );
    while let Some(cert) = items.next().await {
        let cert = cert?;
        println!(
            "    {:<20} {:<12} default={}",
            cert.certificate_id.as_deref().unwrap_or("?"),
            cert.status.as_deref().unwrap_or("?"),
            cert.is_default.unwrap_or(false)
        );
    }
    Ok(())
}

async fn run() -> Result<()> {
    let t = target().await?;
    let client = &t.client;
    println!("Listener {}", t.listener_id);

    println!("\n1. Current certificates (paginated, 2 per page):");
    list(client, &t.listener_id).await?;

    println!("\n2. Dry run of the association:");
    let mut builder = associate::AssociateAdditionalCertificatesWithListenerRequest::builder()
        .listener_id(&t.listener_id);
    for id in &t.certificates {
        builder = builder.certificates(associate::Certificate::new(id));
    }
    let request = builder.build()?;
    let mut check = client
        .associate_additional_certificates_with_listener()
        .listener_id(&t.listener_id);
    for id in &t.certificates {
        check = check.certificates(associate::Certificate::new(id));
    }
    let passed = check.dry_run().await?;
    println!(
        "   passed every check [RequestId {}]",
        passed.request_id.as_deref().unwrap_or("-")
    );

    println!("\n3. Associate {}:", t.certificates.join(", "));
    let out = client.call(request).await?;
    println!(
        "   JobId {} [RequestId {}]",
        out.job_id.as_deref().unwrap_or("-"),
        out.request_id.as_deref().unwrap_or("-")
    );
    list(client, &t.listener_id).await?;

    println!("\n4. Waiting until they are Associated...");
    let done = out.wait(client).await?;
    println!(
        "   associated [RequestId {}]",
        done.request_id.as_deref().unwrap_or("-")
    );
    list(client, &t.listener_id).await?;

    let retired = &t.certificates[0];
    println!("\n5. Dissociate {retired}:");
    let request = dissociate::DissociateAdditionalCertificatesFromListenerRequest::builder()
        .listener_id(&t.listener_id)
        .certificates(dissociate::Certificate::new(retired))
        .build()?;
    let out = client.call(request).await?;
    println!(
        "   JobId {} [RequestId {}]",
        out.job_id.as_deref().unwrap_or("-"),
        out.request_id.as_deref().unwrap_or("-")
    );
    println!("   waiting until it is gone...");
    out.wait(client).await?;
    list(client, &t.listener_id).await?;

    println!("\nRotation complete.");
    Ok(())
}

#[tokio::main]
async fn main() {
    if let Err(e) = run().await {
        eprintln!("error: {e}");
        let mut source = e.source();
        while let Some(s) = source {
            eprintln!("  caused by: {s}");
            source = s.source();
        }
        std::process::exit(1);
    }
}
