#!/usr/bin/env python3
"""Request cost of the official Alibaba Cloud Python SDK, for BENCHMARKS.md.

The same work as the Rust `sdk_v1` / `sdk_v3` benchmarks
(bench/benches/request.rs): build the AssociateAdditionalCertificatesWithListener
request with two certificates, a listener ID and a client token, validate it,
flatten it, take a timestamp and a nonce, sign it (V1 HMAC-SHA1 /
V3 ACS3-HMAC-SHA256) and build the request object, through the SDK's real
call path: ``Client.associate_additional_certificates_with_listener_with_options``
-> ``call_api`` -> ``do_rpcrequest`` / ``do_request``. The send itself
(``DaraCore.do_action``) is replaced by a function that stops the call, so
nothing touches the network and nothing after the send is timed.

Also timed: the bare HMAC over the same string-to-sign in Python (``hmac``
module), the Python floor.

Prints one JSON object: per-call nanoseconds (min / median / max over the
repeats of ``timeit``), iterations per repeat, and the package versions.
Usage: request_cost.py [--number N] [--repeat R]
"""

import argparse
import base64
import hashlib
import hmac
import json
import sys
import timeit
from importlib.metadata import version as pkg_version

from alibabacloud_alb20200616 import models as alb_models
from alibabacloud_alb20200616.client import Client as AlbClient
import alibabacloud_tea_openapi.utils as oa_utils
from alibabacloud_tea_openapi import utils_models as oa_models
from darabonba.core import DaraCore
from darabonba.runtime import RuntimeOptions

ACCESS_KEY_ID = "LTAI5tBenchKeyId00001"
ACCESS_KEY_SECRET = "BenchSecret0123456789abcdefXYZ"
HOST = "alb.cn-hangzhou.aliyuncs.com"


class _Sent(BaseException):
    """Raised in place of the HTTP send. A BaseException, so the SDK's
    `except Exception` retry handling does not catch it."""

    def __init__(self, request):
        self.request = request


def _stop_at_send(request, runtime_option=None):
    raise _Sent(request)


DaraCore.do_action = staticmethod(_stop_at_send)


class _RecordingHmac:
    """Stands in for the ``hmac`` module in the SDK's utils to record the
    string-to-sign (used once, outside the timed loops)."""

    def __init__(self, sink):
        self.sink = sink

    def __getattr__(self, name):
        return getattr(hmac, name)

    def new(self, key, msg=None, digestmod=""):
        self.sink.append(msg)
        return hmac.new(key, msg, digestmod)


def make_client(version):
    config = oa_models.Config(
        access_key_id=ACCESS_KEY_ID,
        access_key_secret=ACCESS_KEY_SECRET,
        endpoint=HOST,
        region_id="cn-hangzhou",
    )
    if version == "v1":
        config.signature_algorithm = "v2"  # selects do_rpcrequest, HMAC-SHA1
    return AlbClient(config)


def one_call(client, runtime):
    req = alb_models.AssociateAdditionalCertificatesWithListenerRequest(
        certificates=[
            alb_models.AssociateAdditionalCertificatesWithListenerRequestCertificates(
                certificate_id="103705*******-cn-hangzhou"
            ),
            alb_models.AssociateAdditionalCertificatesWithListenerRequestCertificates(
                certificate_id="2222-cn-hangzhou"
            ),
        ],
        client_token="5A2CFF0E-5718-45B5-9D4D-70B3FF3898",
        listener_id="lsn-o4u54y73wq7b******",
    )
    try:
        client.associate_additional_certificates_with_listener_with_options(req, runtime)
    except _Sent as sent:
        return sent.request
    raise RuntimeError("the SDK returned without sending")


def measure(fn, number, repeat):
    fn()  # warm up
    times = timeit.Timer(fn).repeat(repeat=repeat, number=number)
    per = sorted(t / number * 1e9 for t in times)
    n = len(per)
    median = per[n // 2] if n % 2 else (per[n // 2 - 1] + per[n // 2]) / 2
    return {"min_ns": per[0], "median_ns": median, "max_ns": per[-1], "samples_ns": per}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--number", type=int, default=2000)
    ap.add_argument("--repeat", type=int, default=7)
    args = ap.parse_args()
    runtime = RuntimeOptions()
    out = {
        "sdk": {
            p: pkg_version(p)
            for p in ("alibabacloud-tea-openapi", "alibabacloud-alb20200616", "darabonba-core")
        },
        "python": sys.version.split()[0],
        "number": args.number,
        "repeat": args.repeat,
        "results": {},
    }
    for version in ("v1", "v3"):
        client = make_client(version)
        sent = one_call(client, runtime)
        if version == "v1":
            assert "Signature" in sent.query, "V1 request without Signature"
        else:
            assert sent.headers["Authorization"].startswith("ACS3-HMAC-SHA256"), "not V3"
        out["results"][f"sdk_{version}"] = measure(
            lambda c=client: one_call(c, runtime), args.number, args.repeat
        )
    # Python floor: one HMAC over the string-to-sign the SDK itself signed
    # (recorded from its call to hmac.new).
    sts = {}
    for version in ("v1", "v3"):
        recorded = []
        oa_utils.hmac = _RecordingHmac(recorded)
        one_call(make_client(version), runtime)
        oa_utils.hmac = hmac
        msg = recorded[-1]
        sts[version] = msg.encode() if isinstance(msg, str) else bytes(msg)
    sts_v1, sts_v3 = sts["v1"], sts["v3"]
    out["string_to_sign_bytes"] = {"v1": len(sts_v1), "v3": len(sts_v3)}
    key_v1 = (ACCESS_KEY_SECRET + "&").encode()
    key_v3 = ACCESS_KEY_SECRET.encode()

    out["results"]["floor_hmac_sha1"] = measure(
        lambda: base64.b64encode(hmac.new(key_v1, sts_v1, hashlib.sha1).digest()).decode(),
        args.number * 10,
        args.repeat,
    )
    out["results"]["floor_hmac_sha256"] = measure(
        lambda: hmac.new(key_v3, sts_v3, hashlib.sha256).hexdigest(),
        args.number * 10,
        args.repeat,
    )
    json.dump(out, sys.stdout, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
