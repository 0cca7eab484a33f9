//! Builds a client and one request, sends it only when an endpoint is given
//! (`cargo run -- http://127.0.0.1:PORT`), so that the whole call path is
//! compiled in.

use alb_sdk::associate_additional_certificates_with_listener::Certificate;

#[tokio::main]
async fn main() {
    let config = alb_runtime::Config::builder()
        .region("cn-hangzhou")
        .credentials(alb_runtime::Credentials::new("ak", "sk"))
        .build();
    let client = alb_sdk::Client::new(config).expect("client");
    let request = client
        .associate_additional_certificates_with_listener()
        .listener_id("lsn-123")
        .certificates(Certificate::new("c1"));
    if std::env::args().nth(1).is_some() {
        match request.send().await {
            Ok(r) => println!("{r:?}"),
            Err(e) => println!("{e}"),
        }
    } else {
        println!("{:?}", request.as_request());
    }
}
