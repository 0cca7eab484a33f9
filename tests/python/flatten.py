"""Prints, as JSON, the wire parameters the official ALB Python SDK builds
for a few requests (its own request models and query flattening; the HTTP
call is replaced by a capture). tests/wire.rs builds the same requests in
Rust and compares."""
import json

from alibabacloud_alb20200616 import models as m
from alibabacloud_alb20200616.client import Client
from alibabacloud_tea_openapi import utils_models

captured = {}


def capture(params, request, runtime):
    captured[params.action] = dict(request.query)
    return {"body": {}, "headers": {}, "statusCode": 200}


client = Client(utils_models.Config(
    access_key_id="ak", access_key_secret="sk", region_id="cn-hangzhou",
    endpoint="127.0.0.1", protocol="http"))
client.call_api = capture


def run(fn, req):
    try:
        fn(req)
    except Exception:  # the fake response may not decode; the capture is what matters
        pass


run(client.associate_additional_certificates_with_listener,
    m.AssociateAdditionalCertificatesWithListenerRequest(
        listener_id="lsn-1 ~*+/=&%?",
        certificates=[
            m.AssociateAdditionalCertificatesWithListenerRequestCertificates(certificate_id="c-1"),
            m.AssociateAdditionalCertificatesWithListenerRequestCertificates(certificate_id="证书"),
            m.AssociateAdditionalCertificatesWithListenerRequestCertificates(certificate_id=""),
        ],
        client_token="tok-1",
        dry_run=True))

run(client.create_listener, m.CreateListenerRequest(
    load_balancer_id="alb-1",
    listener_protocol="HTTPS",
    listener_port=443,
    request_timeout=60,
    gzip_enabled=False,
    certificates=[m.CreateListenerRequestCertificates(certificate_id="c-1")],
    default_actions=[m.CreateListenerRequestDefaultActions(
        type="ForwardGroup",
        forward_group_config=m.CreateListenerRequestDefaultActionsForwardGroupConfig(
            server_group_tuples=[
                m.CreateListenerRequestDefaultActionsForwardGroupConfigServerGroupTuples(server_group_id="sgp-1"),
                m.CreateListenerRequestDefaultActionsForwardGroupConfigServerGroupTuples(server_group_id="sgp-2"),
            ]))],
    xforwarded_for_config=m.CreateListenerRequestXForwardedForConfig(
        xforwarded_for_enabled=True, xforwarded_for_client_src_port_enabled=False),
    tag=[m.CreateListenerRequestTag(key="env", value="prod"), m.CreateListenerRequestTag(key="team")],
))

run(client.list_listener_certificates, m.ListListenerCertificatesRequest(
    listener_id="lsn-1", max_results=20, next_token="t", certificate_ids=["a", "b"], certificate_type="Server"))

print(json.dumps(captured, ensure_ascii=False, sort_keys=True))
