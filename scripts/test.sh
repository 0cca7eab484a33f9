#!/usr/bin/env bash
# The whole test suite. Sets up the official Alibaba Cloud Python SDK
# (pinned) in .venv for the compatibility tests, then runs every test of the
# workspace with those comparisons required.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! .venv/bin/python -c "import alibabacloud_tea_openapi, alibabacloud_alb20200616" 2>/dev/null; then
  python3 -m venv .venv
  .venv/bin/pip install --quiet --disable-pip-version-check -r tests/python/requirements.txt
fi

export ALB_PYTHON="$PWD/.venv/bin/python"
export ALB_REQUIRE_PYTHON=1
cargo test --workspace --all-features "$@"
