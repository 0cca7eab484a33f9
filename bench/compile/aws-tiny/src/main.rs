//! Builds a client and one request (AddListenerCertificates, the ELBv2
//! counterpart of AssociateAdditionalCertificatesWithListener); sends it only
//! when an argument is given.

use aws_sdk_elasticloadbalancingv2::types::Certificate;

#[tokio::main]
async fn main() {
    let config = aws_config::load_from_env().await;
    let client = aws_sdk_elasticloadbalancingv2::Client::new(&config);
    let request = client
        .add_listener_certificates()
        .listener_arn("arn:aws:elasticloadbalancing:us-east-1:123:listener/app/x/1/2")
        .certificates(Certificate::builder().certificate_arn("c1").build());
    if std::env::args().nth(1).is_some() {
        match request.send().await {
            Ok(r) => println!("{r:?}"),
            Err(e) => println!("{e}"),
        }
    } else {
        println!("{:?}", request.get_listener_arn());
    }
}
