#!/usr/bin/env python3
"""Drives the WHOLE ALB API of the emulator through the official Alibaba
Cloud Python SDK (alibabacloud-alb20200616 on alibabacloud-tea-openapi).

Run by emulator/tests/full_api.rs against an emulator it starts (default
state, a job delay of about a hundred milliseconds):

    python full_api.py --endpoint 127.0.0.1:PORT \
        --access-key-id LTAI5tEmulatorTestKey --access-key-secret ...

One scenario, in the order a user builds and tears down a deployment:

* regions and zones;
* a new load balancer (VPC ``vpc-emulator0001``, zones ``cn-hangzhou-h`` and
  ``-i``), waited for until ``Active``, read and listed with filters;
* a custom TLS policy, two server groups and their servers (ECS instances
  ``i-emulator0001``...);
* HTTP, HTTPS and QUIC listeners: updates, stop/start, additional
  certificates, log settings, health status;
* forwarding, redirect and fixed-response rules;
* an ACL with entries associated with a listener;
* a health check template applied to a server group;
* tags on every taggable type and the tag listings; AScripts;
* the load balancer's own operations: deletion protection, access log,
  IPv6, bandwidth package, security groups, zone shifts, edition, address
  type, zones, attributes, capacity reservation, resource group, jobs;
* then everything deleted in reverse, each asynchronous step waited for as
  the documentation says (polling the Get/List status, or ListAsynJobs by
  JobId).

On the way it checks the documented error paths (code and HTTP status),
DryRun and ClientToken. Every call goes through the SDK's typed request
models (built with ``from_map`` from wire names) and the client's method for
the operation, signed with V3 (the SDK's default); a few reads are also
signed with V1.

Prints a JSON summary on stdout (``ok``, ``checks``, ``operations``); exits 1
on a failed check, 3 (with ``MISSING_PACKAGES`` on stderr) when the SDK is
not installed.
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

# The default world (emulator/README.md).
REGION = "cn-hangzhou"
VPC = "vpc-emulator0001"
ZONE_H, VSW_H = "cn-hangzhou-h", "vsw-emulator-h"
ZONE_I, VSW_I = "cn-hangzhou-i", "vsw-emulator-i"
ZONE_J, VSW_J = "cn-hangzhou-j", "vsw-emulator-j"
DEFAULT_LB = "alb-emulator0001"  # IPv4 only
RG1, RG2 = "rg-emulator0001", "rg-emulator0002"

# Asynchronous operations whose answer has no JobId (their spec's response).
NO_JOB_ID = {"DisableLoadBalancerAccessLog", "ModifyCapacityReservation", "UpdateLoadBalancerEdition"}

CHECKS = []
CALLED = set()  # operations called
ANSWERED = set()  # operations answered with HTTP 200
CLIENT = None  # signs with V3 (ACS3-HMAC-SHA256), the SDK's default
CLIENT_V1 = None
METHODS = {}


def check(cond, what):
    CHECKS.append(what)
    if not cond:
        raise AssertionError(what)


def make_client(args, version="v3"):
    config = open_api_models.Config(
        access_key_id=args.access_key_id,
        access_key_secret=args.access_key_secret,
        endpoint=args.endpoint,
        protocol="http",
        region_id=REGION,
    )
    if version == "v1":
        config.signature_algorithm = "v2"
    return Client(config)


def method_of(op):
    """The client's method for an operation (``EnableLoadBalancerIpv6Internet``
    is ``enable_load_balancer_ipv_6internet``, ``CreateAScripts``
    ``create_ascripts``)."""
    if not METHODS:
        for name in dir(Client):
            if name.startswith("_") or name.endswith(("_with_options", "_async", "_with_options_async")):
                continue
            METHODS[name.replace("_", "")] = name
    return METHODS[op.lower()]


def call(op, params=None, client=None):
    """Calls `op` with `params` (wire names) and answers the body, as wire
    names. The request goes through the SDK's request model."""
    c = client or CLIENT
    CALLED.add(op)
    fn = getattr(c, method_of(op))
    request_class = getattr(m, f"{op}Request", None)
    if request_class is None:
        if params:
            raise AssertionError(f"{op} takes no parameters")
        resp = fn()
    else:
        resp = fn(request_class().from_map(params or {}))
    if resp.status_code != 200:
        raise AssertionError(f"{op}: HTTP {resp.status_code}")
    body = resp.body.to_map()
    if not body.get("RequestId"):
        raise AssertionError(f"{op}: no RequestId")
    ANSWERED.add(op)
    return body


def expect_error(op, params, code, status, what=None):
    what = what or f"{op} -> {code}"
    CALLED.add(op)
    try:
        call(op, params)
    except AlibabaCloudException as e:
        check(e.code == code, f"{what}: code {e.code} == {code} ({e.message})")
        check(e.status_code == status, f"{what}: HTTP {e.status_code} == {status}")
        check(bool(e.request_id), f"{what}: has a RequestId")
        return e
    raise AssertionError(f"{what}: expected {code}, the call succeeded")


def wait_for(fn, what, timeout=10.0):
    deadline = time.time() + timeout
    while True:
        v = fn()
        if v:
            CHECKS.append(f"waited: {what}")
            return v
        if time.time() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.03)


def wait_job(job_id, what):
    """ListAsynJobs by JobId until the job has Succeeded."""

    def status():
        jobs = call("ListAsynJobs", {"JobIds": [job_id]}).get("Jobs", [])
        return jobs[0]["Status"] if jobs else None

    wait_for(lambda: status() == "Succeeded", f"job of {what} Succeeded")


def tags_of(record):
    return {t["Key"]: t.get("Value") for t in record.get("Tags", [])}


# ---- reads -------------------------------------------------------------


def lb_attr(lb):
    return call("GetLoadBalancerAttribute", {"LoadBalancerId": lb})


def lb_status(lb):
    return lb_attr(lb)["LoadBalancerStatus"]


def lb_op(op, params, what, lb):
    """An asynchronous load balancer change, waited for until Active."""
    body = call(op, params)
    if op not in NO_JOB_ID:
        check(bool(body.get("JobId")), f"{what}: JobId")
    wait_for(lambda: lb_status(lb) == "Active", f"{what}: Active")
    return body


def listener(lsn):
    return call("GetListenerAttribute", {"ListenerId": lsn})


def wait_listener(lsn, status, what):
    wait_for(lambda: listener(lsn)["ListenerStatus"] == status, f"{what}: {status}")


def server_groups(ids):
    return {g["ServerGroupId"]: g for g in call("ListServerGroups", {"ServerGroupIds": ids}).get("ServerGroups", [])}


def wait_groups(ids, what):
    wait_for(
        lambda: all(g.get("ServerGroupStatus") == "Available" for g in server_groups(ids).values())
        and len(server_groups(ids)) == len(ids),
        f"{what}: Available",
    )


def servers(sg, **filters):
    body = call("ListServerGroupServers", {"ServerGroupId": sg, **filters})
    return {(s["ServerId"], s.get("Port")): s for s in body.get("Servers", [])}


def rules(ids):
    return {r["RuleId"]: r for r in call("ListRules", {"RuleIds": ids}).get("Rules", [])}


def wait_rules(ids, what):
    wait_for(
        lambda: [r.get("RuleStatus") for r in rules(ids).values()] == ["Available"] * len(ids),
        f"{what}: Available",
    )


def acl(acl_id):
    found = call("ListAcls", {"AclIds": [acl_id]}).get("Acls", [])
    return found[0] if found else None


def cert_statuses(lsn, ids):
    body = call("ListListenerCertificates", {"ListenerId": lsn, "CertificateIds": ids})
    return {c["CertificateId"]: c.get("Status") for c in body.get("Certificates", [])}


def ascripts(ids):
    return {a["AScriptId"]: a for a in call("ListAScripts", {"AScriptIds": ids}).get("AScripts", [])}


# ---- the scenario ------------------------------------------------------


def regions_and_zones():
    regions = call("DescribeRegions", {"AcceptLanguage": "en-US"})["Regions"]
    ids = [r["RegionId"] for r in regions]
    check(REGION in ids and len(ids) == 5, f"DescribeRegions: {ids}")
    check(all(r.get("RegionEndpoint") and r.get("LocalName") for r in regions), "DescribeRegions: endpoints, names")
    zones = [z["ZoneId"] for z in call("DescribeZones", {})["Zones"]]
    check({ZONE_H, ZONE_I, ZONE_J} <= set(zones), f"DescribeZones: {zones}")
    # The same through signature V1 (HMAC-SHA1), which the SDK also speaks.
    v1 = [r["RegionId"] for r in call("DescribeRegions", {}, client=CLIENT_V1)["Regions"]]
    check(v1 == ids, "DescribeRegions signed with V1")
    v1 = [z["ZoneId"] for z in call("DescribeZones", {"AcceptLanguage": "zh-CN"}, client=CLIENT_V1)["Zones"]]
    check(v1 == zones, "DescribeZones signed with V1")


def create_load_balancer():
    params = {
        "VpcId": VPC,
        "AddressType": "Internet",
        "LoadBalancerName": "full-api",
        "LoadBalancerEdition": "Standard",
        "LoadBalancerBillingConfig": {"PayType": "PostPay"},
        "AddressIpVersion": "DualStack",
        "ZoneMappings": [{"ZoneId": ZONE_H, "VSwitchId": VSW_H}, {"ZoneId": ZONE_I, "VSwitchId": VSW_I}],
        "ResourceGroupId": RG1,
        "Tag": [{"Key": "env", "Value": "full-api"}],
    }
    before = call("ListLoadBalancers", {})["TotalCount"]
    expect_error("CreateLoadBalancer", {**params, "DryRun": True}, "DryRunOperation", 400, "CreateLoadBalancer DryRun")
    swapped = [{"ZoneId": ZONE_H, "VSwitchId": VSW_I}, {"ZoneId": ZONE_I, "VSwitchId": VSW_H}]
    expect_error("CreateLoadBalancer", {**params, "ZoneMappings": swapped}, "Mismatch.ZoneIdAndVSwitchId", 400)
    unknown = [{"ZoneId": ZONE_H, "VSwitchId": "vsw-doesnotexist"}, {"ZoneId": ZONE_I, "VSwitchId": VSW_I}]
    expect_error("CreateLoadBalancer", {**params, "ZoneMappings": unknown}, "ResourceNotFound.VSwitch", 404)
    check(call("ListLoadBalancers", {})["TotalCount"] == before, "refused creations created nothing")

    body = call("CreateLoadBalancer", params)
    lb = body["LoadBalancerId"]
    check(lb.startswith("alb-") and bool(body.get("RequestId")), f"CreateLoadBalancer: {lb}")
    check(lb_status(lb) == "Provisioning", "new load balancer Provisioning")
    wait_for(lambda: lb_status(lb) == "Active", "load balancer Active")

    a = lb_attr(lb)
    check(a["LoadBalancerName"] == "full-api" and a["VpcId"] == VPC, "Get: name, VPC")
    check(a["AddressType"] == "Internet" and a["AddressIpVersion"] == "DualStack", "Get: address type, IP version")
    check(a["LoadBalancerEdition"] == "Standard", "Get: edition")
    check(a.get("LoadBalancerBillingConfig", {}).get("PayType") == "PostPay", "Get: billing")
    check(a.get("ResourceGroupId") == RG1, "Get: resource group")
    check(a.get("LoadBalancerBussinessStatus") == "Normal", "Get: business status Normal")
    check(bool(a.get("DNSName")) and a.get("RegionId") == REGION, f"Get: DNS name {a.get('DNSName')}")
    zm = {z["ZoneId"]: z for z in a.get("ZoneMappings", [])}
    check(set(zm) == {ZONE_H, ZONE_I}, f"Get: zones {set(zm)}")
    check(all(z.get("VSwitchId") and z.get("LoadBalancerAddresses") for z in zm.values()), "Get: each zone has its addresses")
    check(all(z["LoadBalancerAddresses"][0].get("Address") for z in zm.values()), "Internet instance: public addresses")
    check(tags_of(a) == {"env": "full-api"}, f"Get: tags {tags_of(a)}")
    check(a.get("DeletionProtectionConfig", {}).get("Enabled") is False, "Get: deletion protection off by default")
    expect_error("GetLoadBalancerAttribute", {"LoadBalancerId": "alb-doesnotexist"}, "ResourceNotFound.LoadBalancer", 404)

    def listed(**filters):
        return [x["LoadBalancerId"] for x in call("ListLoadBalancers", filters).get("LoadBalancers", [])]

    check(listed(LoadBalancerIds=[lb]) == [lb], "ListLoadBalancers by ID")
    check(lb in listed(VpcIds=[VPC]) and DEFAULT_LB in listed(VpcIds=[VPC]), "ListLoadBalancers by VPC")
    check(listed(LoadBalancerNames=["full-api"]) == [lb], "ListLoadBalancers by name")
    check(listed(Tag=[{"Key": "env", "Value": "full-api"}]) == [lb], "ListLoadBalancers by tag")
    check(listed(LoadBalancerIds=[lb], AddressType="Intranet") == [], "ListLoadBalancers: AddressType filters")
    check(listed(LoadBalancerIds=[lb], LoadBalancerStatus="Active", AddressIpVersion="DualStack") == [lb], "ListLoadBalancers: status, IP version")
    check(listed(ResourceGroupId=RG1, LoadBalancerIds=[lb]) == [lb], "ListLoadBalancers by resource group")
    page = call("ListLoadBalancers", {"MaxResults": 1})
    check(len(page["LoadBalancers"]) == 1 and page.get("NextToken") and page["TotalCount"] == before + 1, "ListLoadBalancers page 1")
    page2 = call("ListLoadBalancers", {"MaxResults": 1, "NextToken": page["NextToken"]})
    check(len(page2["LoadBalancers"]) == 1 and page2["LoadBalancers"][0]["LoadBalancerId"] != page["LoadBalancers"][0]["LoadBalancerId"], "ListLoadBalancers page 2")
    return lb


def security_policy():
    sp = call(
        "CreateSecurityPolicy",
        {
            "SecurityPolicyName": "full-api-tls",
            "TLSVersions": ["TLSv1.2"],
            "Ciphers": ["ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-RSA-AES128-GCM-SHA256"],
            "ResourceGroupId": RG1,
            "Tag": [{"Key": "env", "Value": "full-api"}],
        },
    )["SecurityPolicyId"]
    check(sp.startswith("spy-"), f"CreateSecurityPolicy: {sp}")

    def policy():
        found = call("ListSecurityPolicies", {"SecurityPolicyIds": [sp]}).get("SecurityPolicies", [])
        return found[0] if found else {}

    check(policy().get("SecurityPolicyStatus") == "Available", "new policy Available")
    body = call(
        "UpdateSecurityPolicyAttribute",
        {
            "SecurityPolicyId": sp,
            "SecurityPolicyName": "full-api-tls-2",
            "TLSVersions": ["TLSv1.2", "TLSv1.3"],
            "Ciphers": ["ECDHE-ECDSA-AES128-GCM-SHA256", "TLS_AES_128_GCM_SHA256"],
        },
    )
    check(bool(body.get("JobId")), "UpdateSecurityPolicyAttribute: JobId")
    check(policy().get("SecurityPolicyStatus") == "Configuring", "policy Configuring")
    wait_for(lambda: policy().get("SecurityPolicyStatus") == "Available", "policy Available again")
    p = policy()
    check(p.get("SecurityPolicyName") == "full-api-tls-2" and p.get("TLSVersions") == ["TLSv1.2", "TLSv1.3"], "policy updated")
    check("TLS_AES_128_GCM_SHA256" in p.get("Ciphers", []), "policy ciphers updated")
    named = call("ListSecurityPolicies", {"SecurityPolicyNames": ["full-api-tls-2"]}).get("SecurityPolicies", [])
    check([x["SecurityPolicyId"] for x in named] == [sp], "ListSecurityPolicies by name")
    check(p.get("ResourceGroupId") == RG1, "policy resource group")
    system = call("ListSystemSecurityPolicies")["SecurityPolicies"]
    system_ids = {x["SecurityPolicyId"] for x in system}
    check("tls_cipher_policy_1_0" in system_ids and len(system_ids) == 5, f"ListSystemSecurityPolicies: {system_ids}")
    check(all(x.get("TLSVersions") and x.get("Ciphers") for x in system), "system policies: versions and ciphers")
    expect_error(
        "UpdateSecurityPolicyAttribute",
        {"SecurityPolicyId": "spy-doesnotexist", "SecurityPolicyName": "x-policy"},
        "ResourceNotFound.SecurityPolicy",
        404,
    )
    return sp


def server_groups_and_servers():
    base = {
        "ServerGroupType": "Instance",
        "VpcId": VPC,
        "Protocol": "HTTP",
        "Scheduler": "Wrr",
        "HealthCheckConfig": {
            "HealthCheckEnabled": True,
            "HealthCheckProtocol": "HTTP",
            "HealthCheckPath": "/health",
            "HealthCheckCodes": ["http_2xx"],
        },
        "StickySessionConfig": {"StickySessionEnabled": False},
        "ResourceGroupId": RG1,
        "Tag": [{"Key": "env", "Value": "full-api"}],
    }
    expect_error("CreateServerGroup", {**base, "ServerGroupName": "bad-vpc", "VpcId": "vpc-doesnotexist"}, "ResourceNotFound.Vpc", 404)
    first = call("CreateServerGroup", {**base, "ServerGroupName": "full-api-sg", "ClientToken": "full-api-sg-1"})
    sg1 = first["ServerGroupId"]
    again = call("CreateServerGroup", {**base, "ServerGroupName": "full-api-sg", "ClientToken": "full-api-sg-1"})
    check(again["ServerGroupId"] == sg1 and again["JobId"] == first["JobId"], "ClientToken: the same server group again")
    sg2 = call("CreateServerGroup", {**base, "ServerGroupName": "full-api-sg-2"})["ServerGroupId"]
    check(sg1.startswith("sgp-") and sg2 != sg1, "CreateServerGroup: two groups")
    check(server_groups([sg1])[sg1]["ServerGroupStatus"] == "Creating", "new server group Creating")
    wait_groups([sg1, sg2], "server groups")
    named = call("ListServerGroups", {"ServerGroupNames": ["full-api-sg"]})["ServerGroups"]
    check([g["ServerGroupId"] for g in named] == [sg1], "ListServerGroups by name")
    in_vpc = {g["ServerGroupId"] for g in call("ListServerGroups", {"VpcId": VPC, "ServerGroupType": "Instance"})["ServerGroups"]}
    check({sg1, sg2} <= in_vpc, "ListServerGroups by VPC and type")
    tagged = {g["ServerGroupId"] for g in call("ListServerGroups", {"Tag": [{"Key": "env", "Value": "full-api"}]})["ServerGroups"]}
    check(tagged == {sg1, sg2}, "ListServerGroups by tag")

    body = call(
        "UpdateServerGroupAttribute",
        {"ServerGroupId": sg1, "ServerGroupName": "full-api-sg-1", "Scheduler": "Wlc", "HealthCheckConfig": {"HealthCheckInterval": 5}},
    )
    check(bool(body.get("JobId")), "UpdateServerGroupAttribute: JobId")
    check(server_groups([sg1])[sg1]["ServerGroupStatus"] == "Configuring", "server group Configuring")
    wait_groups([sg1], "updated server group")
    g = server_groups([sg1])[sg1]
    check(g["ServerGroupName"] == "full-api-sg-1" and g["Scheduler"] == "Wlc", "server group updated")
    hc = g.get("HealthCheckConfig", {})
    check(hc.get("HealthCheckInterval") == 5 and hc.get("HealthCheckPath") == "/health", f"health check merged: {hc}")
    expect_error("UpdateServerGroupAttribute", {"ServerGroupId": "sgp-doesnotexist", "ServerGroupName": "x-group"}, "ResourceNotFound.ServerGroup", 404)

    # Servers.
    ecs = lambda i, port=80, **kw: {"ServerId": f"i-emulator000{i}", "ServerType": "Ecs", "Port": port, **kw}
    body = call("AddServersToServerGroup", {"ServerGroupId": sg1, "Servers": [ecs(1, Weight=100), ecs(2, Weight=50)]})
    check(bool(body.get("JobId")), "AddServersToServerGroup: JobId")
    check({s["Status"] for s in servers(sg1).values()} == {"Adding"}, "servers Adding")
    expect_error("AddServersToServerGroup", {"ServerGroupId": sg1, "Servers": [ecs(3)]}, "IncorrectStatus.ServerGroup", 400, "adding to a group being configured")
    wait_groups([sg1], "servers added")
    s = servers(sg1)
    check(set(s) == {("i-emulator0001", 80), ("i-emulator0002", 80)}, f"servers: {set(s)}")
    check({x["Status"] for x in s.values()} == {"Available"}, "servers Available")
    check(s[("i-emulator0002", 80)].get("Weight") == 50, "server weight")
    expect_error("AddServersToServerGroup", {"ServerGroupId": sg1, "Servers": [{"ServerId": "i-doesnotexist", "ServerType": "Ecs", "Port": 80}]}, "ResourceNotFound.Ecs", 404)
    expect_error("AddServersToServerGroup", {"ServerGroupId": "sgp-doesnotexist", "Servers": [ecs(3)]}, "ResourceNotFound.ServerGroup", 404)
    check(list(servers(sg1, ServerIds=["i-emulator0002"])) == [("i-emulator0002", 80)], "ListServerGroupServers by server ID")
    expect_error("AddServersToServerGroup", {"ServerGroupId": sg1, "Servers": [ecs(1)]}, "Conflict.BackendServer", 400, "a server already in the group")
    expect_error("AddServersToServerGroup", {"ServerGroupId": sg1, "Servers": [ecs(4), ecs(4)]}, "DuplicatedParam.BackendServer", 400, "a server twice in one call")

    call("UpdateServerGroupServersAttribute", {"ServerGroupId": sg1, "Servers": [ecs(1, Weight=80, Description="primary")]})
    wait_groups([sg1], "server weights updated")
    s = servers(sg1)[("i-emulator0001", 80)]
    check(s.get("Weight") == 80 and s.get("Description") == "primary", f"server updated: {s}")
    expect_error("UpdateServerGroupServersAttribute", {"ServerGroupId": sg1, "Servers": [ecs(9, Weight=1)]}, "ResourceNotFound.BackendServer", 404)

    expect_error(
        "ReplaceServersInServerGroup",
        {"ServerGroupId": sg1, "RemovedServers": [ecs(2)], "AddedServers": [ecs(1)]},
        "Conflict.BackendServer",
        400,
        "replacing with a server the group has",
    )
    call("ReplaceServersInServerGroup", {"ServerGroupId": sg1, "RemovedServers": [ecs(2)], "AddedServers": [ecs(3, Weight=10)]})
    wait_groups([sg1], "servers replaced")
    check(set(servers(sg1)) == {("i-emulator0001", 80), ("i-emulator0003", 80)}, "ReplaceServersInServerGroup")

    call("RemoveServersFromServerGroup", {"ServerGroupId": sg1, "Servers": [ecs(3)]})
    check(servers(sg1)[("i-emulator0003", 80)]["Status"] == "Removing", "server Removing")
    wait_groups([sg1], "server removed")
    check(set(servers(sg1)) == {("i-emulator0001", 80)}, "RemoveServersFromServerGroup")
    expect_error("RemoveServersFromServerGroup", {"ServerGroupId": sg1, "Servers": [ecs(3)]}, "ResourceNotFound.BackendServer", 404)
    check(server_groups([sg1])[sg1].get("ServerCount") == 1, "ListServerGroups: ServerCount")
    return sg1, sg2


def forward(sg):
    return [{"Type": "ForwardGroup", "ForwardGroupConfig": {"ServerGroupTuples": [{"ServerGroupId": sg}]}}]


def listeners(lb, sg1, sp):
    http = call(
        "CreateListener",
        {
            "LoadBalancerId": lb,
            "ListenerProtocol": "HTTP",
            "ListenerPort": 80,
            "ListenerDescription": "full-api-http",
            "DefaultActions": forward(sg1),
            "Tag": [{"Key": "env", "Value": "full-api"}],
        },
    )["ListenerId"]
    check(listener(http)["ListenerStatus"] == "Provisioning", "HTTP listener Provisioning")
    expect_error(
        "DeleteListener", {"ListenerId": http}, "ResourceInConfiguring.Listener", 400, "deleting a listener being provisioned"
    )
    wait_listener(http, "Running", "HTTP listener")

    https_params = {
        "LoadBalancerId": lb,
        "ListenerProtocol": "HTTPS",
        "ListenerPort": 443,
        "ListenerDescription": "full-api-https",
        "Certificates": [{"CertificateId": "cert-0001"}],
        "SecurityPolicyId": sp,
        "DefaultActions": forward(sg1),
        "RequestTimeout": 60,
        "IdleTimeout": 15,
        "GzipEnabled": True,
        "Http2Enabled": True,
        "XForwardedForConfig": {"XForwardedForEnabled": True, "XForwardedForProtoEnabled": True},
    }
    expect_error("CreateListener", {**https_params, "ListenerPort": 80}, "ResourceAlreadyExist.Listener", 400, "port 80 taken (TCP)")
    expect_error("CreateListener", {**https_params, "LoadBalancerId": "alb-doesnotexist"}, "ResourceNotFound.LoadBalancer", 404)
    expect_error("CreateListener", {**https_params, "DefaultActions": forward("sgp-doesnotexist")}, "ResourceNotFound.ServerGroup", 404)
    expect_error("CreateListener", {**https_params, "SecurityPolicyId": "spy-doesnotexist"}, "ResourceNotFound.SecurityPolicy", 404)
    expect_error("CreateListener", {**https_params, "Certificates": [{"CertificateId": "cert-doesnotexist"}]}, "ResourceNotFound.Certificate", 404)
    expect_error("CreateListener", {**https_params, "DryRun": True}, "DryRunOperation", 400, "CreateListener DryRun")
    https = call("CreateListener", https_params)["ListenerId"]
    quic = call(
        "CreateListener",
        {
            "LoadBalancerId": lb,
            "ListenerProtocol": "QUIC",
            "ListenerPort": 443,  # UDP: no clash with HTTPS on 443
            "ListenerDescription": "full-api-quic",
            "Certificates": [{"CertificateId": "cert-0002"}],
            "DefaultActions": forward(sg1),
        },
    )["ListenerId"]
    wait_listener(https, "Running", "HTTPS listener")
    wait_listener(quic, "Running", "QUIC listener")
    expect_error(
        "CreateListener",
        {"LoadBalancerId": lb, "ListenerProtocol": "QUIC", "ListenerPort": 443, "Certificates": [{"CertificateId": "cert-0002"}], "DefaultActions": forward(sg1)},
        "ResourceAlreadyExist.Listener",
        400,
        "port 443 taken (UDP)",
    )

    a = listener(https)
    check(a["ListenerProtocol"] == "HTTPS" and a["ListenerPort"] == 443 and a["LoadBalancerId"] == lb, "Get HTTPS listener")
    check(a.get("SecurityPolicyId") == sp, "HTTPS listener uses the custom policy")
    check(a["Certificates"][0]["CertificateId"] == "cert-0001", "HTTPS default certificate")
    check(a.get("XForwardedForConfig", {}).get("XForwardedForEnabled") is True, "X-Forwarded-For settings")
    check(a["DefaultActions"][0]["ForwardGroupConfig"]["ServerGroupTuples"][0]["ServerGroupId"] == sg1, "default action")
    q = listener(quic)
    check(q["ListenerProtocol"] == "QUIC" and q.get("SecurityPolicyId") == "tls_cipher_policy_1_0", "QUIC listener: default TLS policy")
    h = listener(http)
    check(h["ListenerProtocol"] == "HTTP" and h.get("Http2Enabled") is False, "HTTP listener: no HTTP/2")
    check(not h.get("SecurityPolicyId") and not h.get("Certificates"), "HTTP listener: no TLS policy, no certificates")
    rel = call("ListSecurityPolicyRelations", {"SecurityPolicyIds": ["tls_cipher_policy_1_0"]})["SecrityPolicyRelations"][0]
    users = {x["ListenerId"] for x in rel["RelatedListeners"]}
    check(quic in users and http not in users and https not in users, "the system policy's listeners")

    # Update: QUIC upgrade on the HTTPS listener.
    body = call(
        "UpdateListenerAttribute",
        {"ListenerId": https, "ListenerDescription": "full-api-https-2", "IdleTimeout": 30, "QuicConfig": {"QuicUpgradeEnabled": True, "QuicListenerId": quic}},
    )
    check(bool(body.get("JobId")), "UpdateListenerAttribute: JobId")
    check(listener(https)["ListenerStatus"] == "Configuring", "HTTPS listener Configuring")
    expect_error("UpdateListenerAttribute", {"ListenerId": https, "IdleTimeout": 31}, "ResourceInConfiguring.Listener", 400)
    wait_listener(https, "Running", "updated HTTPS listener")
    a = listener(https)
    check(a["ListenerDescription"] == "full-api-https-2" and a["IdleTimeout"] == 30, "listener update applied")
    check(a.get("QuicConfig", {}).get("QuicListenerId") == quic and a["RequestTimeout"] == 60, "QUIC upgrade set, the rest kept")
    check(a.get("SecurityPolicyId") == sp, "policy kept")
    other = call("ListListeners", {"LoadBalancerIds": [DEFAULT_LB], "ListenerProtocol": "HTTPS"})["Listeners"][0]["ListenerId"]
    expect_error(
        "UpdateListenerAttribute",
        {"ListenerId": other, "QuicConfig": {"QuicUpgradeEnabled": True, "QuicListenerId": quic}},
        "OperationDenied.CrossLoadBalancerQUICListener",
        400,
    )
    expect_error("UpdateListenerAttribute", {"ListenerId": "lsn-doesnotexist", "IdleTimeout": 20}, "ResourceNotFound.Listener", 404)

    def listed(**filters):
        return {x["ListenerId"] for x in call("ListListeners", filters).get("Listeners", [])}

    check(listed(LoadBalancerIds=[lb]) == {http, https, quic}, "ListListeners by load balancer")
    check(listed(LoadBalancerIds=[lb], ListenerProtocol="HTTPS") == {https}, "ListListeners by protocol")
    check(listed(ListenerIds=[http, quic]) == {http, quic}, "ListListeners by ID")
    check(listed(Tag=[{"Key": "env", "Value": "full-api"}]) == {http}, "ListListeners by tag")

    # Stop and start.
    call("StopListener", {"ListenerId": http})
    check(listener(http)["ListenerStatus"] in ("Stopping", "Configuring"), "HTTP listener stopping")
    wait_listener(http, "Stopped", "stopped listener")
    expect_error("StopListener", {"ListenerId": http}, "IncorrectStatus.Listener", 400, "stopping a stopped listener")
    job = call("StartListener", {"ListenerId": http})["JobId"]
    wait_job(job, "StartListener")
    check(listener(http)["ListenerStatus"] == "Running", "HTTP listener Running again")
    expect_error("StartListener", {"ListenerId": http}, "IncorrectStatus.Listener", 400, "starting a running listener")
    return http, https, quic


def certificates(http, https):
    call(
        "AssociateAdditionalCertificatesWithListener",
        {"ListenerId": https, "Certificates": [{"CertificateId": c} for c in ("cert-0003", "cert-0004", "cert-default-0001")]},
    )
    ids = ["cert-0003", "cert-0004", "cert-default-0001"]
    check(set(cert_statuses(https, ids).values()) == {"Associating"}, "certificates Associating")
    wait_for(lambda: set(cert_statuses(https, ids).values()) == {"Associated"}, "certificates Associated")
    wait_listener(https, "Running", "listener after association")
    all_certs = call("ListListenerCertificates", {"ListenerId": https})["Certificates"]
    check(all_certs[0]["CertificateId"] == "cert-0001" and all_certs[0]["IsDefault"] is True, "default certificate listed first")
    check({c["CertificateId"] for c in all_certs[1:]} == set(ids), "additional certificates listed")
    server = call("ListListenerCertificates", {"ListenerId": https, "CertificateType": "Server"})["Certificates"]
    check(len(server) == 4, "ListListenerCertificates by type")
    one = lambda c: {"ListenerId": https, "Certificates": [{"CertificateId": c}]}
    assoc = "AssociateAdditionalCertificatesWithListener"
    expect_error(assoc, one("cert-0001"), "OperationDenied.DefaultCertificateUsed", 400)
    expect_error(assoc, one("cert-doesnotexist"), "ResourceNotFound.Certificate", 404)
    expect_error(assoc, one("cert-0003"), "ResourceAlreadyAssociated.Certificate", 400)
    expect_error(assoc, {**one("cert-0005"), "ListenerId": http}, "OperationDenied.HttpListenerNotSupport", 400)
    expect_error(assoc, {**one("cert-0005"), "ListenerId": "lsn-doesnotexist"}, "ResourceNotFound.Listener", 404)
    expect_error(assoc, {**one("cert-0005"), "DryRun": True}, "DryRunOperation", 400, "associate DryRun")
    check(cert_statuses(https, ["cert-0005"]) == {}, "DryRun associated nothing")
    expect_error("ListListenerCertificates", {"ListenerId": http}, "OperationDenied.HttpListenerNotSupport", 400)

    call("DissociateAdditionalCertificatesFromListener", one("cert-0003"))
    check(cert_statuses(https, ["cert-0003"]) == {"cert-0003": "Dissociating"}, "certificate Dissociating")
    wait_for(lambda: cert_statuses(https, ["cert-0003"]) == {}, "certificate dissociated")
    wait_listener(https, "Running", "listener after dissociation")
    dissoc = "DissociateAdditionalCertificatesFromListener"
    expect_error(dissoc, one("cert-0003"), "ResourceNotAssociated.Certificate", 400)
    expect_error(dissoc, one("cert-0001"), "OperationDenied.DefaultCertificateUsed", 400)


def health_status(http, sg1, rule_ids):
    h = call("GetListenerHealthStatus", {"ListenerId": http, "IncludeRule": True})
    infos = h["ListenerHealthStatus"][0]["ServerGroupInfos"]
    check(h["ListenerHealthStatus"][0]["ListenerId"] == http and infos[0]["ServerGroupId"] == sg1, "GetListenerHealthStatus: the listener's group")
    check({r["RuleId"] for r in h.get("RuleHealthStatus", [])} == set(rule_ids), "GetListenerHealthStatus: rules included")
    h = call("GetListenerHealthStatus", {"ListenerId": http})
    check(not h.get("RuleHealthStatus"), "GetListenerHealthStatus: rules only when asked")
    expect_error("GetListenerHealthStatus", {"ListenerId": "lsn-doesnotexist"}, "ResourceNotFound.Listener", 404)


def rules_scenario(lb, http, sg2):
    host = [{"Type": "Host", "HostConfig": {"Values": ["api.example.com"]}}]
    params = {
        "ListenerId": http,
        "RuleName": "forward-api",
        "Priority": 10,
        "RuleConditions": host,
        "RuleActions": [{"Type": "ForwardGroup", "Order": 1, "ForwardGroupConfig": {"ServerGroupTuples": [{"ServerGroupId": sg2}]}}],
        "Tag": [{"Key": "env", "Value": "full-api"}],
    }
    expect_error("CreateRule", {**params, "DryRun": True}, "DryRunOperation", 400, "CreateRule DryRun")
    expect_error("CreateRule", {**params, "ListenerId": "lsn-doesnotexist"}, "ResourceNotFound.Listener", 404)
    r1 = call("CreateRule", params)["RuleId"]
    check(r1.startswith("rule-"), f"CreateRule: {r1}")
    check(rules([r1])[r1]["RuleStatus"] == "Provisioning", "rule Provisioning")
    expect_error("CreateRule", {**params, "RuleName": "clash"}, "Conflict.Priority", 400, "priority 10 taken")
    wait_rules([r1], "forwarding rule")

    redirect = {
        "RuleName": "redirect-old",
        "Priority": 20,
        "RuleConditions": [{"Type": "Path", "PathConfig": {"Values": ["/old/*"]}}],
        "RuleActions": [
            {
                "Type": "Redirect",
                "Order": 1,
                "RedirectConfig": {"Protocol": "HTTPS", "Port": "443", "HttpCode": "301", "Host": "${host}", "Path": "/new", "Query": "${query}"},
            }
        ],
    }
    fixed = {
        "RuleName": "fixed-ping",
        "Priority": 30,
        "RuleConditions": [{"Type": "Path", "PathConfig": {"Values": ["/ping"]}}],
        "RuleActions": [{"Type": "FixedResponse", "Order": 1, "FixedResponseConfig": {"HttpCode": "200", "Content": "pong", "ContentType": "text/plain"}}],
    }
    expect_error("CreateRules", {"ListenerId": http, "Rules": [redirect, {**fixed, "Priority": 20}]}, "Conflict.Priority", 400, "two new rules on one priority")
    body = call("CreateRules", {"ListenerId": http, "Rules": [redirect, fixed]})
    created = [x["RuleId"] for x in body["RuleIds"]]
    check(len(created) == 2 and bool(body.get("JobId")), "CreateRules: two rules, one job")
    r2, r3 = created
    wait_rules([r2, r3], "redirect and fixed-response rules")
    got = rules([r1, r2, r3])
    check(got[r2]["RuleActions"][0]["RedirectConfig"]["HttpCode"] == "301", "redirect action")
    check(got[r3]["RuleActions"][0]["FixedResponseConfig"]["Content"] == "pong", "fixed-response action")
    check(got[r1]["RuleConditions"][0]["HostConfig"]["Values"] == ["api.example.com"], "host condition")
    check(got[r1]["ListenerId"] == http and got[r1].get("LoadBalancerId") == lb, "rule knows its listener and load balancer")

    call("UpdateRuleAttribute", {"RuleId": r1, "RuleName": "forward-api-v2", "Priority": 11})
    check(rules([r1])[r1]["RuleStatus"] == "Configuring", "rule Configuring")
    wait_rules([r1], "updated rule")
    check(rules([r1])[r1]["RuleName"] == "forward-api-v2" and rules([r1])[r1]["Priority"] == 11, "rule updated")
    expect_error("UpdateRuleAttribute", {"RuleId": r2, "Priority": 11}, "Conflict.Priority", 400, "update onto a taken priority")
    expect_error("UpdateRuleAttribute", {"RuleId": "rule-doesnotexist", "RuleName": "x-rule"}, "ResourceNotFound.Rule", 404)
    call("UpdateRulesAttribute", {"Rules": [{"RuleId": r2, "Priority": 21}, {"RuleId": r3, "RuleName": "fixed-ping-v2"}]})
    wait_rules([r2, r3], "rules updated together")
    got = rules([r2, r3])
    check(got[r2]["Priority"] == 21 and got[r3]["RuleName"] == "fixed-ping-v2", "UpdateRulesAttribute applied")
    expect_error("UpdateRulesAttribute", {"Rules": [{"RuleId": r2, "Priority": 30}]}, "Conflict.Priority", 400, "rules update onto a taken priority")

    def listed(**filters):
        return {x["RuleId"] for x in call("ListRules", filters).get("Rules", [])}

    check(listed(ListenerIds=[http]) == {r1, r2, r3}, "ListRules by listener")
    check(listed(LoadBalancerIds=[lb]) == {r1, r2, r3}, "ListRules by load balancer")
    check(listed(ListenerIds=[http], Direction="Request") == {r1, r2, r3}, "ListRules by direction")
    check(listed(Tag=[{"Key": "env", "Value": "full-api"}]) == {r1}, "ListRules by tag")
    return [r1, r2, r3]


def acl_scenario(http):
    body = call("CreateAcl", {"AclName": "full-api-acl", "ResourceGroupId": RG1, "Tag": [{"Key": "env", "Value": "full-api"}]})
    a = body["AclId"]
    check(a.startswith("acl-") and bool(body.get("JobId")), f"CreateAcl: {a}")
    check(acl(a)["AclStatus"] == "Creating", "ACL Creating")
    wait_for(lambda: acl(a)["AclStatus"] == "Available", "ACL Available")
    call("UpdateAclAttribute", {"AclId": a, "AclName": "full-api-acl-2"})
    check(acl(a)["AclName"] == "full-api-acl-2", "UpdateAclAttribute")
    expect_error("UpdateAclAttribute", {"AclId": "acl-doesnotexist", "AclName": "x-acl"}, "ResourceNotFound.Acl", 404)

    job = call("AddEntriesToAcl", {"AclId": a, "AclEntries": [{"Entry": "10.0.0.0/24", "Description": "office"}, {"Entry": "192.168.1.1/32"}]})["JobId"]
    wait_job(job, "AddEntriesToAcl")
    entries = {e["Entry"]: e for e in call("ListAclEntries", {"AclId": a})["AclEntries"]}
    check(set(entries) == {"10.0.0.0/24", "192.168.1.1/32"}, "ListAclEntries")
    check({e["Status"] for e in entries.values()} == {"Available"} and entries["10.0.0.0/24"].get("Description") == "office", "entries Available")
    expect_error("AddEntriesToAcl", {"AclId": a, "AclEntries": [{"Entry": "10.0.0.0/24"}]}, "ResourceAlreadyExist.AclEntry", 400)
    job = call("RemoveEntriesFromAcl", {"AclId": a, "Entries": ["192.168.1.1/32"]})["JobId"]
    wait_job(job, "RemoveEntriesFromAcl")
    check([e["Entry"] for e in call("ListAclEntries", {"AclId": a})["AclEntries"]] == ["10.0.0.0/24"], "entry removed")
    expect_error("RemoveEntriesFromAcl", {"AclId": a, "Entries": ["1.2.3.4/32"]}, "ResourceNotFound.AclEntry", 404)
    expect_error("ListAclEntries", {"AclId": "acl-doesnotexist"}, "ResourceNotFound.Acl", 404)

    job = call("AssociateAclsWithListener", {"ListenerId": http, "AclIds": [a], "AclType": "White"})["JobId"]
    wait_job(job, "AssociateAclsWithListener")
    wait_listener(http, "Running", "listener after ACL association")
    cfg = listener(http).get("AclConfig", {})
    check(cfg.get("AclType") == "White" and [r["AclId"] for r in cfg.get("AclRelations", [])] == [a], f"listener ACL config {cfg}")
    check(cfg["AclRelations"][0].get("Status") == "Associated", "ACL Associated")
    rel = call("ListAclRelations", {"AclIds": [a]})["AclRelations"][0]
    check(rel["AclId"] == a and [x["ListenerId"] for x in rel["RelatedListeners"]] == [http], "ListAclRelations")
    expect_error("DeleteAcl", {"AclId": a}, "ResourceInUse.Acl", 400, "deleting an ACL in use")
    expect_error("AssociateAclsWithListener", {"ListenerId": http, "AclIds": ["acl-doesnotexist"], "AclType": "White"}, "ResourceNotFound.Acl", 404)

    def listed(**filters):
        return [x["AclId"] for x in call("ListAcls", filters).get("Acls", [])]

    check(listed(AclNames=["full-api-acl-2"]) == [a], "ListAcls by name")
    check(listed(ResourceGroupId=RG1) == [a] and listed(ResourceGroupId=RG2) == [], "ListAcls by resource group")
    check(listed(Tag=[{"Key": "env", "Value": "full-api"}]) == [a], "ListAcls by tag")

    job = call("DissociateAclsFromListener", {"ListenerId": http, "AclIds": [a]})["JobId"]
    wait_job(job, "DissociateAclsFromListener")
    wait_listener(http, "Running", "listener after ACL dissociation")
    check(not listener(http).get("AclConfig", {}).get("AclRelations"), "ACL dissociated")
    check(call("ListAclRelations", {"AclIds": [a]})["AclRelations"][0].get("RelatedListeners", []) == [], "no relations left")
    expect_error("DissociateAclsFromListener", {"ListenerId": http, "AclIds": [a]}, "ResourceNotAssociated.Acl", 404)
    return a


def health_check_template(sg1):
    hct = call(
        "CreateHealthCheckTemplate",
        {
            "HealthCheckTemplateName": "full-api-hct",
            "HealthCheckProtocol": "HTTP",
            "HealthCheckPath": "/status",
            "HealthCheckMethod": "GET",
            "HealthCheckCodes": ["http_2xx", "http_3xx"],
            "HealthCheckInterval": 3,
            "HealthCheckTimeout": 4,
            "HealthyThreshold": 2,
            "UnhealthyThreshold": 3,
            "Tag": [{"Key": "env", "Value": "full-api"}],
        },
    )["HealthCheckTemplateId"]
    check(hct.startswith("hct-"), f"CreateHealthCheckTemplate: {hct}")
    t = call("GetHealthCheckTemplateAttribute", {"HealthCheckTemplateId": hct})
    check(t["HealthCheckTemplateName"] == "full-api-hct" and t["HealthCheckPath"] == "/status", "GetHealthCheckTemplateAttribute")
    check(t["HealthCheckCodes"] == ["http_2xx", "http_3xx"] and t["HealthyThreshold"] == 2, "template settings")
    listed = call("ListHealthCheckTemplates", {"HealthCheckTemplateIds": [hct]})["HealthCheckTemplates"]
    check([x["HealthCheckTemplateId"] for x in listed] == [hct], "ListHealthCheckTemplates by ID")
    named = call("ListHealthCheckTemplates", {"HealthCheckTemplateNames": ["full-api-hct"]})["HealthCheckTemplates"]
    check([x["HealthCheckTemplateId"] for x in named] == [hct], "ListHealthCheckTemplates by name")
    call("UpdateHealthCheckTemplateAttribute", {"HealthCheckTemplateId": hct, "HealthCheckPath": "/status2", "HealthCheckInterval": 4})
    t = call("GetHealthCheckTemplateAttribute", {"HealthCheckTemplateId": hct})
    check(t["HealthCheckPath"] == "/status2" and t["HealthCheckInterval"] == 4 and t["HealthCheckTimeout"] == 4, "template updated")
    expect_error("GetHealthCheckTemplateAttribute", {"HealthCheckTemplateId": "hct-doesnotexist"}, "ResourceNotFound.HealthCheckTemplate", 404)
    expect_error(
        "ApplyHealthCheckTemplateToServerGroup",
        {"HealthCheckTemplateId": "hct-doesnotexist", "ServerGroupId": sg1},
        "ResourceNotFound.HealthCheckTemplate",
        404,
    )
    job = call("ApplyHealthCheckTemplateToServerGroup", {"HealthCheckTemplateId": hct, "ServerGroupId": sg1})["JobId"]
    wait_job(job, "ApplyHealthCheckTemplateToServerGroup")
    wait_groups([sg1], "server group with the template")
    hc = server_groups([sg1])[sg1]["HealthCheckConfig"]
    check(hc.get("HealthCheckPath") == "/status2" and hc.get("HealthCheckInterval") == 4 and hc.get("HealthyThreshold") == 2, f"template applied: {hc}")
    return hct


def tags_scenario(resources):
    """resources: {tag type: resource ID}."""
    tags = [{"Key": "team", "Value": "core"}, {"Key": "tier", "Value": "web"}]
    for kind, rid in resources.items():
        call("TagResources", {"ResourceType": kind, "ResourceId": [rid], "Tag": tags})
        got = call("ListTagResources", {"ResourceType": kind, "ResourceId": [rid]})["TagResources"]
        pairs = {(t["TagKey"], t["TagValue"]) for t in got}
        check({("team", "core"), ("tier", "web")} <= pairs, f"{kind} tagged: {pairs}")
        check({t["ResourceId"] for t in got} == {rid} and {t["ResourceType"] for t in got} == {kind}, f"{kind}: tag resources")
        keys = [k["TagKey"] for k in call("ListTagKeys", {"ResourceType": kind, "Keyword": "te"})["TagKeys"]]
        check(keys == ["team"], f"ListTagKeys {kind}: {keys}")
        values = call("ListTagValues", {"ResourceType": kind, "ResourceId": rid, "TagKey": "tier"})["TagValues"]
        check(values == ["web"], f"ListTagValues {kind}: {values}")
        call("UnTagResources", {"ResourceType": kind, "ResourceId": [rid], "TagKey": ["tier"]})
        pairs = {(t["TagKey"], t["TagValue"]) for t in call("ListTagResources", {"ResourceType": kind, "ResourceId": [rid]})["TagResources"]}
        check(("tier", "web") not in pairs and ("team", "core") in pairs, f"{kind} untagged: {pairs}")
    lb = resources["loadbalancer"]
    by_tag = call("ListTagResources", {"ResourceType": "loadbalancer", "Tag": [{"Key": "team", "Value": "core"}]})["TagResources"]
    check({t["ResourceId"] for t in by_tag} == {lb}, "ListTagResources by tag")
    lbs = [x["LoadBalancerId"] for x in call("ListLoadBalancers", {"Tag": [{"Key": "team", "Value": "core"}]})["LoadBalancers"]]
    check(lbs == [lb], "ListLoadBalancers by the new tag")
    expect_error("TagResources", {"ResourceType": "loadbalancer", "ResourceId": ["alb-doesnotexist"], "Tag": tags}, "ResourceNotFound.LoadBalancer", 404)
    expect_error("TagResources", {"ResourceType": "servergroup", "ResourceId": ["sgp-doesnotexist"], "Tag": tags}, "ResourceNotFound.ServerGroup", 404)
    expect_error("ListTagValues", {"ResourceType": "acl", "ResourceId": "acl-doesnotexist", "TagKey": "team"}, "ResourceNotFound.Acl", 404)
    sg = resources["servergroup"]
    call("UnTagResources", {"ResourceType": "servergroup", "ResourceId": [sg], "All": True})
    check(call("ListTagResources", {"ResourceType": "servergroup", "ResourceId": [sg]}).get("TagResources", []) == [], "UnTagResources All")


def move_resource_groups(acl_id, sp, sg):
    """The other movable kinds; the load balancer moves in
    load_balancer_operations."""
    for kind, rid, op, items, field in (
        ("acl", acl_id, "ListAcls", "Acls", "AclId"),
        ("securitypolicy", sp, "ListSecurityPolicies", "SecurityPolicies", "SecurityPolicyId"),
        ("servergroup", sg, "ListServerGroups", "ServerGroups", "ServerGroupId"),
    ):
        call("MoveResourceGroup", {"ResourceType": kind, "ResourceId": rid, "NewResourceGroupId": RG2})
        moved = [x[field] for x in call(op, {"ResourceGroupId": RG2}).get(items, [])]
        check(moved == [rid], f"{kind} moved to {RG2}: {moved}")
    expect_error("MoveResourceGroup", {"ResourceType": "acl", "ResourceId": "acl-doesnotexist", "NewResourceGroupId": RG2}, "ResourceNotFound.Acl", 404)


def ascripts_scenario(https):
    body = call(
        "CreateAScripts",
        {
            "ListenerId": https,
            "AScripts": [
                {"AScriptName": "full-api-script", "ScriptContent": "if true {\n  add_rsp_header('x-emulator', '1')\n}", "Enabled": True, "Position": "RequestHead"}
            ],
        },
    )
    ids = [x["AScriptId"] for x in body["AScriptIds"]]
    check(len(ids) == 1 and bool(body.get("JobId")), "CreateAScripts")
    s = ids[0]
    check(ascripts(ids)[s]["AScriptStatus"] == "Creating", "AScript Creating")
    wait_for(lambda: ascripts(ids)[s]["AScriptStatus"] == "Available", "AScript Available")
    check(ascripts(ids)[s]["ListenerId"] == https and ascripts(ids)[s]["Enabled"] is True, "AScript read back")
    call("UpdateAScripts", {"AScripts": [{"AScriptId": s, "AScriptName": "full-api-script-2", "Enabled": False}]})
    wait_for(lambda: ascripts(ids)[s]["AScriptStatus"] == "Available", "updated AScript Available")
    a = ascripts(ids)[s]
    check(a["AScriptName"] == "full-api-script-2" and a["Enabled"] is False and "add_rsp_header" in a["ScriptContent"], "AScript updated")
    by_listener = [x["AScriptId"] for x in call("ListAScripts", {"ListenerIds": [https]})["AScripts"]]
    check(by_listener == [s], "ListAScripts by listener")
    by_name = [x["AScriptId"] for x in call("ListAScripts", {"AScriptNames": ["full-api-script-2"]})["AScripts"]]
    check(by_name == [s], "ListAScripts by name")
    expect_error("UpdateAScripts", {"AScripts": [{"AScriptId": "as-doesnotexist", "AScriptName": "x-script"}]}, "ResourceNotFound.Ascript", 404)
    return s


def load_balancer_operations(lb, https):
    # Deletion protection.
    call("EnableDeletionProtection", {"ResourceId": lb})
    check(lb_attr(lb)["DeletionProtectionConfig"]["Enabled"] is True, "deletion protection on")
    expect_error("DeleteLoadBalancer", {"LoadBalancerId": lb}, "OperationDenied.DeletionProtectionEnabled", 400)
    check(lb_status(lb) == "Active", "refused delete changed nothing")
    call("DisableDeletionProtection", {"ResourceId": lb})
    check(lb_attr(lb)["DeletionProtectionConfig"]["Enabled"] is False, "deletion protection off")
    expect_error("EnableDeletionProtection", {"ResourceId": "alb-doesnotexist"}, "ResourceNotFound.LoadBalancer", 404)

    # Access log, and the listener log settings that need it.
    log_params = {"ListenerId": https, "AccessLogRecordCustomizedHeadersEnabled": True, "AccessLogTracingConfig": {"TracingEnabled": True, "TracingSample": 100, "TracingType": "Zipkin"}}
    expect_error("UpdateListenerLogConfig", log_params, "OperationDenied.AccessLogDisabled", 400, "listener logs need the access log")
    job = call("EnableLoadBalancerAccessLog", {"LoadBalancerId": lb, "LogProject": "full-api-project", "LogStore": "full-api-store"})["JobId"]
    wait_job(job, "EnableLoadBalancerAccessLog")
    wait_for(lambda: lb_status(lb) == "Active", "Active after access log on")
    cfg = lb_attr(lb).get("AccessLogConfig", {})
    check(cfg.get("LogProject") == "full-api-project" and cfg.get("LogStore") == "full-api-store", f"access log config {cfg}")
    expect_error("EnableLoadBalancerAccessLog", {"LoadBalancerId": lb, "LogProject": "p2", "LogStore": "s2"}, "OperationDenied.AccessLogEnabled", 400)
    call("UpdateListenerLogConfig", log_params)
    check(listener(https)["ListenerStatus"] == "Configuring", "listener Configuring for its log settings")
    wait_listener(https, "Running", "listener log settings")
    lc = listener(https).get("LogConfig", {})
    check(lc.get("AccessLogRecordCustomizedHeadersEnabled") is True, f"listener log config {lc}")
    check(lc.get("AccessLogTracingConfig", {}).get("TracingType") == "Zipkin", "tracing settings")
    lb_op("DisableLoadBalancerAccessLog", {"LoadBalancerId": lb}, "access log off", lb)
    check(not lb_attr(lb).get("AccessLogConfig", {}).get("LogStore"), "access log off")
    expect_error("DisableLoadBalancerAccessLog", {"LoadBalancerId": lb}, "OperationDenied.AccessLogDisabled", 400)

    # IPv6: the new instance is dual-stack; the default one is not.
    lb_op("EnableLoadBalancerIpv6Internet", {"LoadBalancerId": lb}, "IPv6 Internet on", lb)
    check(lb_attr(lb)["Ipv6AddressType"] == "Internet", "IPv6 Internet")
    expect_error("EnableLoadBalancerIpv6Internet", {"LoadBalancerId": lb}, "OperationDenied.Ipv6InternetInstance", 400)
    lb_op("DisableLoadBalancerIpv6Internet", {"LoadBalancerId": lb}, "IPv6 Internet off", lb)
    check(lb_attr(lb)["Ipv6AddressType"] == "Intranet", "IPv6 Intranet")
    expect_error("DisableLoadBalancerIpv6Internet", {"LoadBalancerId": lb}, "OperationDenied.Ipv6IntranetInstance", 400)
    expect_error("EnableLoadBalancerIpv6Internet", {"LoadBalancerId": DEFAULT_LB}, "OperationDenied.NonDualStackInstance", 400)

    # Bandwidth package.
    bw = {"RegionId": REGION, "LoadBalancerId": lb, "BandwidthPackageId": "cbwp-emulator0001"}
    expect_error("AttachCommonBandwidthPackageToLoadBalancer", {**bw, "BandwidthPackageId": "cbwp-doesnotexist"}, "ResourceNotFound.CommonBandwidthPackage", 404)
    lb_op("AttachCommonBandwidthPackageToLoadBalancer", bw, "bandwidth package attached", lb)
    check(lb_attr(lb).get("BandwidthPackageId") == "cbwp-emulator0001", "bandwidth package shown")
    lb_op("DetachCommonBandwidthPackageFromLoadBalancer", bw, "bandwidth package detached", lb)
    check(not lb_attr(lb).get("BandwidthPackageId"), "bandwidth package gone")

    # Security groups.
    job = call("LoadBalancerJoinSecurityGroup", {"LoadBalancerId": lb, "SecurityGroupIds": ["sg-emulator0001", "sg-emulator0002"]})["JobId"]
    wait_job(job, "LoadBalancerJoinSecurityGroup")
    wait_for(lambda: lb_status(lb) == "Active", "Active after joining")
    check(lb_attr(lb).get("SecurityGroupIds") == ["sg-emulator0001", "sg-emulator0002"], "security groups joined")
    expect_error("LoadBalancerJoinSecurityGroup", {"LoadBalancerId": lb, "SecurityGroupIds": ["sg-emulator0001"]}, "ResourceAlreadyAssociated.SecurityGroup", 400)
    expect_error("LoadBalancerJoinSecurityGroup", {"LoadBalancerId": lb, "SecurityGroupIds": ["sg-doesnotexist"]}, "ResourceNotFound.SecurityGroup", 404)
    job = call("LoadBalancerLeaveSecurityGroup", {"LoadBalancerId": lb, "SecurityGroupIds": ["sg-emulator0002"]})["JobId"]
    wait_job(job, "LoadBalancerLeaveSecurityGroup")
    wait_for(lambda: lb_status(lb) == "Active", "Active after leaving")
    check(lb_attr(lb).get("SecurityGroupIds") == ["sg-emulator0001"], "security group left")
    expect_error("LoadBalancerLeaveSecurityGroup", {"LoadBalancerId": lb, "SecurityGroupIds": ["sg-emulator0003"]}, "ResourceNotAssociated.SecurityGroup", 400)

    # Zone shift.
    call("StartShiftLoadBalancerZones", {"LoadBalancerId": lb, "ZoneMappings": [{"ZoneId": ZONE_H, "VSwitchId": VSW_H}]})
    zones = {z["ZoneId"]: z.get("Status") for z in lb_attr(lb)["ZoneMappings"]}
    check(zones == {ZONE_H: "Shifted", ZONE_I: "Active"}, f"zone shifted: {zones}")
    expect_error(
        "StartShiftLoadBalancerZones",
        {"LoadBalancerId": lb, "ZoneMappings": [{"ZoneId": ZONE_I, "VSwitchId": VSW_I}]},
        "OperationDenied.ConfigLastActiveZoneNotSupport",
        400,
        "shifting the last active zone",
    )
    call("CancelShiftLoadBalancerZones", {"LoadBalancerId": lb, "ZoneMappings": [{"ZoneId": ZONE_H, "VSwitchId": VSW_H}]})
    zones = {z["ZoneId"]: z.get("Status") for z in lb_attr(lb)["ZoneMappings"]}
    check(zones == {ZONE_H: "Active", ZONE_I: "Active"}, f"zone shift cancelled: {zones}")

    # Edition, address type, zones, attributes.
    lb_op("UpdateLoadBalancerEdition", {"LoadBalancerId": lb, "LoadBalancerEdition": "StandardWithWaf"}, "edition", lb)
    check(lb_attr(lb)["LoadBalancerEdition"] == "StandardWithWaf", "edition upgraded")
    expect_error("UpdateLoadBalancerEdition", {"LoadBalancerId": lb, "LoadBalancerEdition": "StandardWithWaf"}, "OperationDenied.EditionNotChanged", 400)
    expect_error("UpdateLoadBalancerEdition", {"LoadBalancerId": lb, "LoadBalancerEdition": "Basic"}, "OperationDenied.Downgrade", 400)
    lb_op("UpdateLoadBalancerAddressTypeConfig", {"LoadBalancerId": lb, "AddressType": "Intranet"}, "address type", lb)
    a = lb_attr(lb)
    check(a["AddressType"] == "Intranet", "address type Intranet")
    check(all(not z["LoadBalancerAddresses"][0].get("Address") for z in a["ZoneMappings"]), "Intranet: no public addresses")
    expect_error("UpdateLoadBalancerAddressTypeConfig", {"LoadBalancerId": lb, "AddressType": "Intranet"}, "OperationDenied.AddressTypeNotChanged", 400)
    three = [{"ZoneId": ZONE_H, "VSwitchId": VSW_H}, {"ZoneId": ZONE_I, "VSwitchId": VSW_I}, {"ZoneId": ZONE_J, "VSwitchId": VSW_J}]
    expect_error(
        "UpdateLoadBalancerZones",
        {"LoadBalancerId": lb, "ZoneMappings": three[:2] + [{"ZoneId": ZONE_J, "VSwitchId": VSW_H}]},
        "Mismatch.ZoneIdAndVSwitchId",
        400,
    )
    lb_op("UpdateLoadBalancerZones", {"LoadBalancerId": lb, "ZoneMappings": three}, "zones", lb)
    zm = lb_attr(lb)["ZoneMappings"]
    check({z["ZoneId"] for z in zm} == {ZONE_H, ZONE_I, ZONE_J} and all(z.get("LoadBalancerAddresses") for z in zm), "three zones, each with addresses")
    body = call(
        "UpdateLoadBalancerAttribute",
        {"LoadBalancerId": lb, "LoadBalancerName": "full-api-renamed", "ModificationProtectionConfig": {"Status": "ConsoleProtection", "Reason": "full-api"}},
    )
    check(lb_status(lb) == "Configuring", "load balancer Configuring")
    expect_error(
        "CreateListener",
        {"LoadBalancerId": lb, "ListenerProtocol": "HTTP", "ListenerPort": 8080, "DefaultActions": forward("sgp-emulator0001")},
        "IncorrectStatus.LoadBalancer",
        400,
        "a listener on a load balancer being configured",
    )
    wait_job(body["JobId"], "UpdateLoadBalancerAttribute")
    a = lb_attr(lb)
    check(a["LoadBalancerStatus"] == "Active" and a["LoadBalancerName"] == "full-api-renamed", "load balancer renamed")
    check(a.get("ModificationProtectionConfig", {}).get("Status") == "ConsoleProtection", "modification protection")

    # Capacity reservation.
    cr = call("DescribeCapacityReservation", {"LoadBalancerId": lb})
    check(not cr.get("MinimumLoadBalancerCapacity"), "no capacity reserved yet")
    lb_op("ModifyCapacityReservation", {"LoadBalancerId": lb, "MinimumLoadBalancerCapacity": {"CapacityUnits": 20}}, "capacity reserved", lb)
    cr = call("DescribeCapacityReservation", {"LoadBalancerId": lb})
    check(cr.get("MinimumLoadBalancerCapacity", {}).get("CapacityUnits") == 20, f"capacity reservation {cr}")
    states = cr.get("CapacityReservationState", [])
    check({s["AvailabilityZone"] for s in states} == {ZONE_H, ZONE_I, ZONE_J} and {s["Status"] for s in states} == {"Provisioned"}, "reservation in every zone")
    lb_op("ModifyCapacityReservation", {"LoadBalancerId": lb, "ResetCapacityReservation": True}, "reservation reset", lb)
    check(not call("DescribeCapacityReservation", {"LoadBalancerId": lb}).get("MinimumLoadBalancerCapacity"), "reservation reset")
    expect_error("DescribeCapacityReservation", {"LoadBalancerId": "alb-doesnotexist"}, "ResourceNotFound.LoadBalancer", 404)

    # Resource group.
    call("MoveResourceGroup", {"ResourceType": "loadbalancer", "ResourceId": lb, "NewResourceGroupId": RG2})
    check(lb_attr(lb)["ResourceGroupId"] == RG2, "moved to another resource group")
    expect_error("MoveResourceGroup", {"ResourceType": "loadbalancer", "ResourceId": lb, "NewResourceGroupId": "rg-doesnotexist"}, "NotExist.ResourceGroup", 400)
    expect_error("MoveResourceGroup", {"ResourceType": "loadbalancer", "ResourceId": "alb-doesnotexist", "NewResourceGroupId": RG2}, "ResourceNotFound.LoadBalancer", 404)

    # Jobs.
    jobs = call("ListAsynJobs", {"ResourceIds": [lb], "ResourceType": "loadbalancer"})
    check(jobs["TotalCount"] >= 10 and {j["Status"] for j in jobs["Jobs"]} == {"Succeeded"}, f"ListAsynJobs: {jobs['TotalCount']} jobs")
    edition = call("ListAsynJobs", {"ApiName": "UpdateLoadBalancerEdition", "ResourceIds": [lb]})["Jobs"]
    check(len(edition) == 1 and edition[0]["OperateType"] == "Update", "ListAsynJobs by API name")
    now_ms = int(time.time() * 1000)
    recent = call("ListAsynJobs", {"BeginTime": now_ms - 60_000, "EndTime": now_ms + 60_000, "ResourceIds": [lb]})
    check(recent["TotalCount"] == jobs["TotalCount"], "ListAsynJobs by time")


def teardown(lb, sg1, sg2, http, https, quic, rule_ids, acl_id, sp, hct, script):
    job = call("DeleteAScripts", {"AScriptIds": [script]})["JobId"]
    check(ascripts([script])[script]["AScriptStatus"] == "Deleting", "AScript Deleting")
    wait_job(job, "DeleteAScripts")
    check(ascripts([script]) == {}, "AScript deleted")
    expect_error("DeleteAScripts", {"AScriptIds": [script]}, "ResourceNotFound.AScript", 400)

    r1, r2, r3 = rule_ids
    expect_error("DeleteServerGroup", {"ServerGroupId": sg2}, "ResourceInUse.ServerGroup", 400, "deleting a group a rule forwards to")
    expect_error("DeleteRule", {"RuleId": r1, "DryRun": True}, "DryRunOperation", 400, "DeleteRule DryRun")
    call("DeleteRule", {"RuleId": r1})
    check(rules([r1])[r1]["RuleStatus"] == "Deleting", "rule Deleting")
    expect_error("DeleteRule", {"RuleId": r1}, "IncorrectStatus.Rule", 400, "deleting a rule being deleted")
    wait_for(lambda: rules([r1]) == {}, "rule deleted")
    expect_error("DeleteRule", {"RuleId": r1}, "ResourceNotFound.Rule", 404)
    job = call("DeleteRules", {"RuleIds": [r2, r3]})["JobId"]
    wait_job(job, "DeleteRules")
    check(rules([r2, r3]) == {}, "rules deleted")

    expect_error("DeleteServerGroup", {"ServerGroupId": sg1}, "ResourceInUse.ServerGroup", 400, "deleting a group listeners forward to")
    expect_error("DeleteSecurityPolicy", {"SecurityPolicyId": sp}, "ResourceInUse.SecurityPolicy", 400, "deleting a policy in use")
    rel = call("ListSecurityPolicyRelations", {"SecurityPolicyIds": [sp]})["SecrityPolicyRelations"][0]
    check([x["ListenerId"] for x in rel["RelatedListeners"]] == [https], "ListSecurityPolicyRelations")
    expect_error("ListSecurityPolicyRelations", {"SecurityPolicyIds": ["spy-doesnotexist"]}, "ResourceNotFound.SecurityPolicy", 404)

    expect_error("DeleteListener", {"ListenerId": quic}, "ResourceInUse.Listener", 400, "deleting a QUIC listener an HTTPS one upgrades to")
    expect_error("DeleteListener", {"ListenerId": https, "DryRun": True}, "DryRunOperation", 400, "DeleteListener DryRun")
    for lsn in (https, quic, http):
        call("DeleteListener", {"ListenerId": lsn})
        check(listener(lsn)["ListenerStatus"] == "Deleting", f"listener {lsn} Deleting")
        wait_for(lambda: not call("ListListeners", {"ListenerIds": [lsn]}).get("Listeners"), f"listener {lsn} deleted")
    expect_error("GetListenerAttribute", {"ListenerId": http}, "ResourceNotFound.Listener", 404)
    check(call("ListSecurityPolicyRelations", {"SecurityPolicyIds": [sp]})["SecrityPolicyRelations"][0].get("RelatedListeners", []) == [], "policy unused")

    call("DeleteSecurityPolicy", {"SecurityPolicyId": sp})
    check(call("ListSecurityPolicies", {"SecurityPolicyIds": [sp]}).get("SecurityPolicies", []) == [], "policy deleted")
    expect_error("DeleteSecurityPolicy", {"SecurityPolicyId": sp}, "ResourceNotFound.SecurityPolicy", 404)

    call("DeleteAcl", {"AclId": acl_id})
    check(acl(acl_id)["AclStatus"] == "Deleting", "ACL Deleting")
    wait_for(lambda: acl(acl_id) is None, "ACL deleted")
    expect_error("DeleteAcl", {"AclId": acl_id}, "ResourceNotFound.Acl", 404)

    call("DeleteHealthCheckTemplates", {"HealthCheckTemplateIds": [hct]})
    expect_error("GetHealthCheckTemplateAttribute", {"HealthCheckTemplateId": hct}, "ResourceNotFound.HealthCheckTemplate", 404, "template deleted")

    for sg in (sg1, sg2):
        call("DeleteServerGroup", {"ServerGroupId": sg})
    check({g["ServerGroupStatus"] for g in server_groups([sg1, sg2]).values()} == {"Deleting"}, "server groups Deleting")
    wait_for(lambda: server_groups([sg1, sg2]) == {}, "server groups deleted")
    expect_error("DeleteServerGroup", {"ServerGroupId": sg1}, "ResourceNotFound.ServerGroup", 404)

    job = call("DeleteLoadBalancer", {"LoadBalancerId": lb})["JobId"]
    check(lb_status(lb) == "Deleting", "load balancer Deleting")
    expect_error("UpdateLoadBalancerAttribute", {"LoadBalancerId": lb, "LoadBalancerName": "too-late"}, "IncorrectStatus.LoadBalancer", 400, "changing a load balancer being deleted")
    wait_for(lambda: not call("ListLoadBalancers", {"LoadBalancerIds": [lb]}).get("LoadBalancers"), "load balancer deleted")
    wait_job(job, "DeleteLoadBalancer")
    expect_error("GetLoadBalancerAttribute", {"LoadBalancerId": lb}, "ResourceNotFound.LoadBalancer", 404, "deleted load balancer")
    expect_error("DeleteLoadBalancer", {"LoadBalancerId": lb}, "ResourceNotFound.LoadBalancer", 404, "deleting it again")
    left = call("ListLoadBalancers", {})["LoadBalancers"]
    check([x["LoadBalancerId"] for x in left] == [DEFAULT_LB], "only the default load balancer is left")


def run(args):
    global CLIENT, CLIENT_V1
    CLIENT = make_client(args)
    CLIENT_V1 = make_client(args, "v1")
    regions_and_zones()
    lb = create_load_balancer()
    sp = security_policy()
    sg1, sg2 = server_groups_and_servers()
    http, https, quic = listeners(lb, sg1, sp)
    certificates(http, https)
    rule_ids = rules_scenario(lb, http, sg2)
    health_status(http, sg1, rule_ids)
    acl_id = acl_scenario(http)
    hct = health_check_template(sg1)
    tags_scenario(
        {
            "loadbalancer": lb,
            "listener": https,
            "rule": rule_ids[0],
            "servergroup": sg1,
            "acl": acl_id,
            "securitypolicy": sp,
            "healthchecktemplate": hct,
        }
    )
    move_resource_groups(acl_id, sp, sg2)
    script = ascripts_scenario(https)
    load_balancer_operations(lb, https)
    teardown(lb, sg1, sg2, http, https, quic, rule_ids, acl_id, sp, hct, script)


def sdk_operations():
    """The operations the official SDK's client has (`x_with_options`
    methods), lower case without underscores (`createascripts`)."""
    from alibabacloud_alb20200616.client import Client

    ops = []
    for name in dir(Client):
        if name.endswith("_with_options") and not name.endswith("_async_with_options"):
            stem = name[: -len("_with_options")]
            ops.append(stem.replace("_", ""))
    return sorted(ops)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--endpoint", required=True)
    p.add_argument("--access-key-id", required=True)
    p.add_argument("--access-key-secret", required=True)
    args = p.parse_args()
    started = time.time()
    summary = {}
    try:
        run(args)
    except AssertionError as e:
        summary = {"ok": False, "failed": str(e)}
    except AlibabaCloudException as e:
        summary = {"ok": False, "failed": f"unexpected error {e.code} ({e.status_code}): {e.message}"}
    summary.update(
        {
            "ok": summary.get("ok", True),
            "checks": len(CHECKS),
            "operations": sorted(ANSWERED),
            "called": sorted(CALLED),
            "sdk_operations": sdk_operations(),
            "seconds": round(time.time() - started, 2),
            "passed": CHECKS,
        }
    )
    print(json.dumps(summary))
    sys.exit(0 if summary["ok"] else 1)


if __name__ == "__main__":
    main()
