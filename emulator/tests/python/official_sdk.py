#!/usr/bin/env python3
"""Drives the ALB emulator with the official Alibaba Cloud Python SDK
(alibabacloud-alb20200616 1.3.3 on alibabacloud-tea-openapi 0.4.6).

Run by emulator/tests/official_python_sdk.rs against an emulator it starts
(job delay of a few hundred milliseconds, default state):

    python official_sdk.py --endpoint 127.0.0.1:PORT \
        --access-key-id LTAI5tEmulatorTestKey --access-key-secret ...

For each signature version (V3 ``ACS3-HMAC-SHA256``, the SDK's default, and
V1 ``HMAC-SHA1``, selected with ``Config.signature_algorithm = 'v2'``) it:

* associates two certificates, sees them ``Associating`` and then
  ``Associated`` through ListListenerCertificates;
* checks the documented errors of an unknown listener
  (``ResourceNotFound.Listener``, HTTP 404) and of an HTTP listener
  (``OperationDenied.HttpListenerNotSupport``, HTTP 400), and DryRun;
* calls the other operations: GetListenerAttribute, ListListeners,
  CreateListener, UpdateListenerAttribute, StopListener, ListAsynJobs, StartListener,
  DissociateAdditionalCertificatesFromListener, DeleteListener.

Prints a JSON summary on stdout; exits 1 on a failed check, 3 (with
``MISSING_PACKAGES`` on stderr) when the SDK is not installed.
"""

import argparse
import json
import sys
import time

try:
    from alibabacloud_alb20200616 import models as m
    from alibabacloud_alb20200616.client import Client
    from alibabacloud_tea_openapi import utils_models as open_api_models
    from alibabacloud_tea_openapi.exceptions import AlibabaCloudException
except ImportError as e:  # pragma: no cover - depends on the environment
    print(f"MISSING_PACKAGES: {e}", file=sys.stderr)
    sys.exit(3)

HTTPS = "lsn-emulatorhttps01"
HTTP = "lsn-emulatorhttp001"
LB = "alb-emulator0001"

CHECKS = []


def check(cond, what):
    CHECKS.append(what)
    if not cond:
        raise AssertionError(what)


def make_client(args, version):
    config = open_api_models.Config(
        access_key_id=args.access_key_id,
        access_key_secret=args.access_key_secret,
        endpoint=args.endpoint,
        protocol="http",
        region_id="cn-hangzhou",
    )
    if version == "v1":
        # tea-openapi 0.4.6: 'v2' routes RPC calls through do_rpcrequest,
        # which signs with HMAC-SHA1 (signature version 1.0).
        config.signature_algorithm = "v2"
    return Client(config)


def expect_error(fn, code, status, what):
    try:
        fn()
    except AlibabaCloudException as e:
        check(e.code == code, f"{what}: code {e.code} == {code}")
        check(e.status_code == status, f"{what}: status {e.status_code} == {status}")
        check(bool(e.request_id), f"{what}: has a RequestId")
        return e
    raise AssertionError(f"{what}: expected {code}, the call succeeded")


def wait_for(fn, what, timeout=15.0):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if fn():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def cert_statuses(client, listener, ids):
    resp = client.list_listener_certificates(
        m.ListListenerCertificatesRequest(listener_id=listener, certificate_ids=ids)
    )
    return {c.certificate_id: c.status for c in (resp.body.certificates or [])}


def listener_status(client, listener):
    resp = client.get_listener_attribute(m.GetListenerAttributeRequest(listener_id=listener))
    return resp.body.listener_status


def run(args, version, certs, port):
    client = make_client(args, version)
    tag = f"[{version}]"

    # --- AssociateAdditionalCertificatesWithListener: success.
    resp = client.associate_additional_certificates_with_listener(
        m.AssociateAdditionalCertificatesWithListenerRequest(
            listener_id=HTTPS,
            certificates=[
                m.AssociateAdditionalCertificatesWithListenerRequestCertificates(certificate_id=c)
                for c in certs
            ],
        )
    )
    check(resp.status_code == 200, f"{tag} associate: HTTP 200")
    check(bool(resp.body.job_id), f"{tag} associate: JobId")
    check(bool(resp.body.request_id), f"{tag} associate: RequestId")
    statuses = cert_statuses(client, HTTPS, certs)
    check(
        statuses == {c: "Associating" for c in certs},
        f"{tag} just after the call: Associating ({statuses})",
    )
    wait_for(
        lambda: cert_statuses(client, HTTPS, certs) == {c: "Associated" for c in certs},
        f"{tag} Associated",
    )
    CHECKS.append(f"{tag} Associating -> Associated")
    wait_for(lambda: listener_status(client, HTTPS) == "Running", f"{tag} listener Running")

    # --- Its errors.
    expect_error(
        lambda: client.associate_additional_certificates_with_listener(
            m.AssociateAdditionalCertificatesWithListenerRequest(
                listener_id="lsn-doesnotexist",
                certificates=[
                    m.AssociateAdditionalCertificatesWithListenerRequestCertificates(
                        certificate_id="cert-0010"
                    )
                ],
            )
        ),
        "ResourceNotFound.Listener",
        404,
        f"{tag} unknown listener",
    )
    expect_error(
        lambda: client.associate_additional_certificates_with_listener(
            m.AssociateAdditionalCertificatesWithListenerRequest(
                listener_id=HTTP,
                certificates=[
                    m.AssociateAdditionalCertificatesWithListenerRequestCertificates(
                        certificate_id="cert-0010"
                    )
                ],
            )
        ),
        "OperationDenied.HttpListenerNotSupport",
        400,
        f"{tag} HTTP listener",
    )
    # DryRun=True (sent as 'True' by this SDK) passes and changes nothing.
    expect_error(
        lambda: client.associate_additional_certificates_with_listener(
            m.AssociateAdditionalCertificatesWithListenerRequest(
                listener_id=HTTPS,
                dry_run=True,
                certificates=[
                    m.AssociateAdditionalCertificatesWithListenerRequestCertificates(
                        certificate_id="cert-0010"
                    )
                ],
            )
        ),
        "DryRunOperation",
        400,
        f"{tag} DryRun",
    )
    check("cert-0010" not in cert_statuses(client, HTTPS, ["cert-0010"]), f"{tag} DryRun did nothing")

    # --- ListListenerCertificates, paginated.
    page = client.list_listener_certificates(
        m.ListListenerCertificatesRequest(listener_id=HTTPS, max_results=1)
    ).body
    check(len(page.certificates) == 1 and page.certificates[0].is_default, f"{tag} default certificate first")
    check(bool(page.next_token), f"{tag} NextToken")
    page2 = client.list_listener_certificates(
        m.ListListenerCertificatesRequest(listener_id=HTTPS, max_results=1, next_token=page.next_token)
    ).body
    check(len(page2.certificates) == 1 and not page2.certificates[0].is_default, f"{tag} page 2")

    # --- GetListenerAttribute, ListListeners.
    attr = client.get_listener_attribute(m.GetListenerAttributeRequest(listener_id=HTTPS)).body
    check(attr.listener_protocol == "HTTPS" and attr.listener_port == 443, f"{tag} GetListenerAttribute")
    check(attr.certificates[0].certificate_id == "cert-default-0001", f"{tag} default certificate")
    listed = client.list_listeners(m.ListListenersRequest(load_balancer_ids=[LB], listener_protocol="HTTPS")).body
    check([l.listener_id for l in listed.listeners] == [HTTPS], f"{tag} ListListeners filtered")

    # --- CreateListener -> Running.
    created = client.create_listener(
        m.CreateListenerRequest(
            load_balancer_id=LB,
            listener_protocol="HTTP",
            listener_port=port,
            listener_description=f"python-{version}",
            default_actions=[
                m.CreateListenerRequestDefaultActions(
                    type="ForwardGroup",
                    forward_group_config=m.CreateListenerRequestDefaultActionsForwardGroupConfig(
                        server_group_tuples=[
                            m.CreateListenerRequestDefaultActionsForwardGroupConfigServerGroupTuples(
                                server_group_id="sgp-emulator0001"
                            )
                        ]
                    ),
                )
            ],
        )
    ).body
    new_id = created.listener_id
    check(bool(new_id) and bool(created.job_id), f"{tag} CreateListener")
    check(listener_status(client, new_id) == "Provisioning", f"{tag} Provisioning")
    wait_for(lambda: listener_status(client, new_id) == "Running", f"{tag} created listener Running")

    # --- UpdateListenerAttribute -> Configuring -> Running.
    client.update_listener_attribute(
        m.UpdateListenerAttributeRequest(listener_id=new_id, listener_description="renamed", idle_timeout=20)
    )
    check(listener_status(client, new_id) == "Configuring", f"{tag} Configuring")
    wait_for(lambda: listener_status(client, new_id) == "Running", f"{tag} updated listener Running")
    attr = client.get_listener_attribute(m.GetListenerAttributeRequest(listener_id=new_id)).body
    check(attr.listener_description == "renamed" and attr.idle_timeout == 20, f"{tag} update applied")

    # --- StopListener / StartListener; the stop's job through ListAsynJobs.
    job_id = client.stop_listener(m.StopListenerRequest(listener_id=new_id)).body.job_id

    def job_status():
        jobs = client.list_asyn_jobs(m.ListAsynJobsRequest(job_ids=[job_id], max_results=10)).body.jobs
        return jobs[0].status if jobs else None

    check(job_status() == "Processing", f"{tag} job Processing")
    wait_for(lambda: job_status() == "Succeeded", f"{tag} job Succeeded")
    jobs = client.list_asyn_jobs(m.ListAsynJobsRequest(api_name="StopListener", resource_ids=[new_id])).body
    check(
        [j.id for j in jobs.jobs] == [job_id] and jobs.jobs[0].resource_type == "listener"
        and jobs.jobs[0].operate_type == "Update" and jobs.total_count == 1,
        f"{tag} ListAsynJobs filters",
    )
    check(listener_status(client, new_id) == "Stopped", f"{tag} Stopped")
    client.start_listener(m.StartListenerRequest(listener_id=new_id))
    wait_for(lambda: listener_status(client, new_id) == "Running", f"{tag} Running again")

    # --- DissociateAdditionalCertificatesFromListener.
    client.dissociate_additional_certificates_from_listener(
        m.DissociateAdditionalCertificatesFromListenerRequest(
            listener_id=HTTPS,
            certificates=[
                m.DissociateAdditionalCertificatesFromListenerRequestCertificates(certificate_id=certs[0])
            ],
        )
    )
    check(cert_statuses(client, HTTPS, [certs[0]]) == {certs[0]: "Dissociating"}, f"{tag} Dissociating")
    wait_for(lambda: cert_statuses(client, HTTPS, [certs[0]]) == {}, f"{tag} dissociated")

    # --- DeleteListener -> gone.
    client.delete_listener(m.DeleteListenerRequest(listener_id=new_id))
    wait_for(
        lambda: not client.list_listeners(m.ListListenersRequest(listener_ids=[new_id])).body.listeners,
        f"{tag} deleted",
    )
    expect_error(
        lambda: client.get_listener_attribute(m.GetListenerAttributeRequest(listener_id=new_id)),
        "ResourceNotFound.Listener",
        404,
        f"{tag} deleted listener",
    )


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--endpoint", required=True)
    p.add_argument("--access-key-id", required=True)
    p.add_argument("--access-key-secret", required=True)
    args = p.parse_args()
    try:
        run(args, "v3", ["cert-0001", "cert-0002"], 8081)
        run(args, "v1", ["cert-0003", "cert-0004"], 8082)
    except AssertionError as e:
        print(json.dumps({"ok": False, "failed": str(e), "passed": CHECKS}))
        sys.exit(1)
    except AlibabaCloudException as e:
        print(json.dumps({"ok": False, "failed": f"unexpected error {e.code} ({e.status_code}): {e.message}", "passed": CHECKS}))
        sys.exit(1)
    print(json.dumps({"ok": True, "checks": len(CHECKS), "passed": CHECKS}))


if __name__ == "__main__":
    main()
