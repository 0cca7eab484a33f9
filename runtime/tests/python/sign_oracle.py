#!/usr/bin/env python3
"""Signing oracle: the official Alibaba Cloud Python SDK signs requests for
the Rust tests (runtime/tests/signing_oracle.rs, signing_vectors.rs).

Nothing here reimplements the signature algorithms. Each case goes through
the official SDK's real call path: an ALB ``Client`` (alibabacloud_alb20200616)
calls ``call_api`` with the same ``Params`` the generated ALB client uses
(style RPC, POST, formData, json), which dispatches to ``do_request`` (V3,
ACS3-HMAC-SHA256, the default) or ``do_rpcrequest`` (V1, HMAC-SHA1; selected
with ``Config.signature_algorithm = 'v2'``). Only the values that are random
in the SDK are pinned (``Utils.get_timestamp``, ``Utils.get_nonce``,
``Utils.get_user_agent``), and the SDK's own intermediate strings are
recorded by wrapping the primitives it calls:

* V1 canonicalized query: the argument of ``quote_plus`` in
  ``Utils.get_rpcsignature``; string to sign: the message given to
  ``hmac.new``; signature: the ``Signature`` query parameter.
* V3 canonical request: the last input of ``Utils.hash``; string to sign: the
  message given to ``hmac.new`` by ``signature_method``; signature: from the
  ``Authorization`` header.

Modes:

* default: read ``{"cases": [...], "wire_check": bool}`` as JSON on stdin,
  sign every case with the HTTP send replaced by a capture (no network), and
  print ``{"sdk": {...}, "results": [...], "wire": [...]}`` on stdout. With
  ``wire_check`` the real ALB client methods are also called over HTTP
  against a capture server on 127.0.0.1 started here, with fixed
  timestamp/nonce and the SDK's real user agent, and the raw requests the
  server received are returned under ``wire``.
* ``--vectors``: print the fixed vectors of
  runtime/tests/data/signing_vectors.json
  (``python sign_oracle.py --vectors > runtime/tests/data/signing_vectors.json``).

Exit status 3 with ``ORACLE_MISSING_PACKAGES`` on stderr: the official SDK is
not installed in this interpreter.
"""

import json
import os
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

try:
    import hmac as _real_hmac
    from importlib.metadata import version as _pkg_version

    import alibabacloud_tea_openapi.utils as oa_utils
    from alibabacloud_alb20200616 import models as alb_models
    from alibabacloud_alb20200616.client import Client as AlbClient
    from alibabacloud_tea_openapi import utils_models as oa_models
    from alibabacloud_tea_openapi.utils import Utils
    from darabonba.core import DaraCore
    from darabonba.response import DaraResponse
    from darabonba.runtime import RuntimeOptions
except ImportError as e:  # pragma: no cover - depends on the environment
    print(f"ORACLE_MISSING_PACKAGES: {e}", file=sys.stderr)
    sys.exit(3)


SDK_PACKAGES = [
    "alibabacloud-tea-openapi",
    "alibabacloud-alb20200616",
    "alibabacloud-credentials",
    "darabonba-core",
]


def sdk_versions():
    return {p: _pkg_version(p) for p in SDK_PACKAGES}


# --------------------------------------------------------------------------
# Hooks: pin the SDK's random values, record its intermediate strings.
# --------------------------------------------------------------------------

class Recorder:
    def __init__(self):
        self.reset()

    def reset(self):
        self.hmac_msgs = []
        self.hash_inputs = []
        self.quote_plus_inputs = []
        self.requests = []


REC = Recorder()
PIN = {"timestamp": None, "nonce": None, "user_agent": None}
MOCK_SEND = {"on": True}

_orig_get_user_agent = Utils.get_user_agent
_orig_hash = Utils.hash
_orig_quote_plus = oa_utils.quote_plus
_orig_do_action = DaraCore.do_action


class _HmacShim:
    """Stands in for the ``hmac`` module inside alibabacloud_tea_openapi.utils."""

    def __getattr__(self, name):
        return getattr(_real_hmac, name)

    @staticmethod
    def new(key, msg=None, digestmod=""):
        REC.hmac_msgs.append(msg)
        return _real_hmac.new(key, msg, digestmod)


def _pinned_timestamp():
    assert PIN["timestamp"] is not None
    return PIN["timestamp"]


def _pinned_nonce():
    assert PIN["nonce"] is not None
    return PIN["nonce"]


def _pinned_user_agent(user_agent):
    if PIN["user_agent"] is None:
        return _orig_get_user_agent(user_agent)
    return PIN["user_agent"]


def _recording_hash(raw, sign_type):
    REC.hash_inputs.append(raw)
    return _orig_hash(raw, sign_type)


def _recording_quote_plus(s, *args, **kwargs):
    REC.quote_plus_inputs.append(s)
    return _orig_quote_plus(s, *args, **kwargs)


def _capturing_do_action(request, runtime_option=None):
    if not MOCK_SEND["on"]:
        return _orig_do_action(request, runtime_option)
    REC.requests.append(request)
    resp = DaraResponse()
    resp.status_code = 200
    resp.status_message = "OK"
    resp.headers = {"content-type": "application/json"}
    resp.body = b'{"RequestId":"oracle"}'
    return resp


def install_hooks():
    Utils.get_timestamp = staticmethod(_pinned_timestamp)
    Utils.get_nonce = staticmethod(_pinned_nonce)
    Utils.get_user_agent = staticmethod(_pinned_user_agent)
    Utils.hash = staticmethod(_recording_hash)
    oa_utils.quote_plus = _recording_quote_plus
    oa_utils.hmac = _HmacShim()
    DaraCore.do_action = staticmethod(_capturing_do_action)


# --------------------------------------------------------------------------
# Signing a case through the SDK's call path.
# --------------------------------------------------------------------------

def make_client(case, endpoint):
    token = case.get("security_token")
    config = oa_models.Config(
        access_key_id=case["access_key_id"],
        access_key_secret=case["access_key_secret"],
        security_token=token if token else None,
        endpoint=endpoint,
        protocol="http",
        region_id="cn-hangzhou",
    )
    if case["version"] == "v1":
        # call_api: signature_algorithm 'v2' selects do_rpcrequest (HMAC-SHA1).
        config.signature_algorithm = "v2"
    elif case["version"] != "v3":
        raise ValueError(f"unknown version {case['version']!r}")
    return AlbClient(config)


def rpc_params(action, api_version):
    # Exactly what the generated ALB client passes to call_api.
    return oa_models.Params(
        action=action,
        version=api_version,
        protocol="HTTPS",
        pathname="/",
        method="POST",
        auth_type="AK",
        style="RPC",
        req_body_type="formData",
        body_type="json",
    )


def _text(b):
    return b.decode("utf-8") if isinstance(b, (bytes, bytearray)) else b


def sign_case(case):
    REC.reset()
    MOCK_SEND["on"] = True
    PIN["timestamp"] = case["timestamp"]
    PIN["nonce"] = case["nonce"]
    PIN["user_agent"] = case["user_agent"]
    client = make_client(case, case["host"])
    query = {k: v for k, v in case["params"]}
    req = oa_models.OpenApiRequest(query=query)
    client.call_api(rpc_params(case["action"], case["api_version"]), req, RuntimeOptions())
    if len(REC.requests) != 1:
        raise RuntimeError(f"case {case.get('id')}: {len(REC.requests)} requests sent")
    request = REC.requests[0]
    if request.body not in (None, b"", ""):
        raise RuntimeError(f"case {case.get('id')}: unexpected body {request.body!r}")
    headers = [[k.lower(), v] for k, v in request.headers.items()]
    query_pairs = [[k, v] for k, v in request.query.items() if v is not None]
    if case["version"] == "v1":
        canonical = REC.quote_plus_inputs[-1]
        string_to_sign = _text(REC.hmac_msgs[-1])
        signature = request.query["Signature"]
    else:
        canonical = _text(REC.hash_inputs[-1])
        string_to_sign = _text(REC.hmac_msgs[-1])
        auth = request.headers["Authorization"]
        signature = auth.rsplit("Signature=", 1)[1]
    return {
        "id": case.get("id"),
        "method": request.method,
        "pathname": request.pathname,
        "query": query_pairs,
        "headers": headers,
        "canonical": canonical,
        "string_to_sign": string_to_sign,
        "signature": signature,
    }


# --------------------------------------------------------------------------
# Wire check: the real ALB client methods over HTTP to a capture server.
# --------------------------------------------------------------------------

class _CaptureHandler(BaseHTTPRequestHandler):
    captured = []

    def do_POST(self):  # noqa: N802 - http.server API
        length = int(self.headers.get("content-length") or 0)
        body = self.rfile.read(length) if length else b""
        _CaptureHandler.captured.append(
            {
                "method": self.command,
                "path": self.path,
                "headers": [[k.lower(), v] for k, v in self.headers.items()],
                "body": body.decode("utf-8", "replace"),
            }
        )
        payload = b'{"RequestId":"wire-check"}'
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    do_GET = do_POST  # noqa: N815

    def log_message(self, *args):
        pass


WIRE_CREDENTIALS = {
    "access_key_id": "LTAI5tWireCheckKeyId",
    "access_key_secret": "wire/check+secret=value",
}
WIRE_TOKEN = "STS.NUx+token/with=chars"


def _associate_request():
    return alb_models.AssociateAdditionalCertificatesWithListenerRequest(
        certificates=[
            alb_models.AssociateAdditionalCertificatesWithListenerRequestCertificates(
                certificate_id="103705*******-cn-hangzhou"
            ),
            alb_models.AssociateAdditionalCertificatesWithListenerRequestCertificates(
                certificate_id="cert two/é"
            ),
        ],
        client_token="5A2CFF0E-5718-45B5-9D4D-70B3FF3898",
        dry_run=True,
        listener_id="lsn-o4u54y73wq7b******",
    )


def _list_request():
    return alb_models.ListLoadBalancersRequest(
        load_balancer_ids=["alb-1", "alb-2"],
        load_balancer_names=["my lb", "中文~*+"],
        max_results=10,
        tag=[
            alb_models.ListLoadBalancersRequestTag(key="env", value="prod & test"),
            alb_models.ListLoadBalancersRequestTag(key="k=v?", value=""),
        ],
    )


WIRE_CASES = [
    # name, version, sts, method, request builder
    ("associate-v3-ak", "v3", False, "associate_additional_certificates_with_listener_with_options", _associate_request),
    ("associate-v3-sts", "v3", True, "associate_additional_certificates_with_listener_with_options", _associate_request),
    ("associate-v1-ak", "v1", False, "associate_additional_certificates_with_listener_with_options", _associate_request),
    ("associate-v1-sts", "v1", True, "associate_additional_certificates_with_listener_with_options", _associate_request),
    ("list-v3-ak", "v3", False, "list_load_balancers_with_options", _list_request),
    ("list-v1-ak", "v1", False, "list_load_balancers_with_options", _list_request),
]


def wire_check():
    for var in ("HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"):
        os.environ.pop(var, None)
    os.environ.pop("ALIBABA_CLOUD_USER_AGENT", None)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _CaptureHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    endpoint = f"127.0.0.1:{server.server_address[1]}"
    out = []
    try:
        for i, (name, version, sts, method, build) in enumerate(WIRE_CASES):
            REC.reset()
            MOCK_SEND["on"] = False
            PIN["timestamp"] = f"2024-05-0{1 + i % 9}T10:20:30Z"
            PIN["nonce"] = f"{i:02d}c0ffee00112233445566778899aabb"[:32]
            PIN["user_agent"] = None  # the SDK's real user agent
            case = dict(WIRE_CREDENTIALS, version=version, security_token=WIRE_TOKEN if sts else None)
            client = make_client(case, endpoint)
            _CaptureHandler.captured.clear()
            getattr(client, method)(build(), RuntimeOptions())
            if len(_CaptureHandler.captured) != 1:
                raise RuntimeError(f"{name}: server saw {len(_CaptureHandler.captured)} requests")
            got = _CaptureHandler.captured[0]
            out.append(
                dict(
                    got,
                    name=name,
                    version=version,
                    endpoint=endpoint,
                    access_key_id=case["access_key_id"],
                    access_key_secret=case["access_key_secret"],
                    security_token=case["security_token"],
                    timestamp=PIN["timestamp"],
                    nonce=PIN["nonce"],
                )
            )
    finally:
        MOCK_SEND["on"] = True
        server.shutdown()
        server.server_close()
    return out


# --------------------------------------------------------------------------
# Fixed vectors.
# --------------------------------------------------------------------------

def _vector_inputs():
    base = {
        "action": "AssociateAdditionalCertificatesWithListener",
        "api_version": "2020-06-16",
        "host": "alb.cn-hangzhou.aliyuncs.com",
        "access_key_id": "LTAI5tVectorKeyId0001",
        "access_key_secret": "VectorSecret0123456789abcdefXYZ",
        "security_token": None,
        "timestamp": "2024-03-15T08:09:10Z",
        "nonce": "5f3a9c0e1b2d4f6a8c0e1b2d4f6a8c0e",
        "user_agent": "AlibabaCloud (Linux; x86_64) Rust/1.85.0 alb-sdk/0.1.0",
    }
    assoc_params = [
        ["Certificates.1.CertificateId", "103705*******-cn-hangzhou"],
        ["Certificates.2.CertificateId", "2222-cn-hangzhou"],
        ["ClientToken", "5A2CFF0E-5718-45B5-9D4D-70B3FF3898"],
        ["DryRun", "true"],
        ["ListenerId", "lsn-o4u54y73wq7b******"],
    ]
    tag_params = [
        ["Tag.1.Key", "env"],
        ["Tag.1.Value", "prod test"],
        ["Tag.2.Key", "名前"],
        ["Tag.2.Value", "値 ~*+/=&%?"],
        ["LoadBalancerIds.1", "alb-abc"],
        ["MaxResults", "10"],
    ]
    token = "CAIS+token/with=padding==" + "x" * 40
    specs = [
        ("v3-associate-ak", "v3", {"params": assoc_params}),
        ("v3-associate-sts", "v3", {"params": assoc_params, "security_token": token}),
        ("v1-associate-ak", "v1", {"params": assoc_params}),
        ("v1-associate-sts", "v1", {"params": assoc_params, "security_token": token}),
        ("v3-list-tags-unicode", "v3", {"action": "ListLoadBalancers", "params": tag_params}),
        ("v1-list-tags-unicode", "v1", {"action": "ListLoadBalancers", "params": tag_params}),
        ("v3-no-params", "v3", {"action": "DescribeRegions", "params": []}),
        ("v1-no-params", "v1", {"action": "DescribeRegions", "params": []}),
        ("v3-empty-values-local-host", "v3", {
            "host": "127.0.0.1:8080",
            "params": [["NextToken", ""], ["ListenerId", ""], ["DryRun", "false"]],
        }),
        ("v1-empty-values-local-host", "v1", {
            "host": "127.0.0.1:8080",
            "params": [["NextToken", ""], ["ListenerId", ""], ["DryRun", "false"]],
        }),
        ("v3-python-bool-spaces-ua", "v3", {
            "params": [["DryRun", "True"], ["ListenerName", " lead and trail "]],
            "user_agent": "  padded agent\t",
            "access_key_secret": "sécret/+=&",
        }),
        ("v1-python-bool-unicode-secret", "v1", {
            "params": [["DryRun", "False"], ["ListenerName", "😀 emoji"]],
            "access_key_secret": "sécret/+=&",
            "nonce": "nonce with space/+",
        }),
    ]
    for i, (name, version, overrides) in enumerate(specs):
        case = dict(base)
        case.update(overrides)
        case["id"] = i
        case["name"] = name
        case["version"] = version
        yield case


def vectors():
    out = []
    for case in _vector_inputs():
        result = sign_case(case)
        expected = {k: result[k] for k in ("query", "headers", "canonical", "string_to_sign", "signature")}
        out.append({"name": case.pop("name"), "input": {k: v for k, v in case.items() if k != "id"}, "expected": expected})
    return {
        "generator": "runtime/tests/python/sign_oracle.py --vectors",
        "sdk": sdk_versions(),
        "vectors": out,
    }


def main(argv):
    install_hooks()
    if "--vectors" in argv:
        json.dump(vectors(), sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
        return 0
    data = json.load(sys.stdin)
    results = [sign_case(c) for c in data.get("cases", [])]
    wire = wire_check() if data.get("wire_check") else []
    json.dump({"sdk": sdk_versions(), "results": results, "wire": wire}, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
