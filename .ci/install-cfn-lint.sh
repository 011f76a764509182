#!/usr/bin/env bash
# Installs cfn-lint, pinned, into the project's own venv (.xseven/cfn-lint):
# the infra tests lint the synthesized templates of every cluster mode with it
# (test/infra/cfn-lint.test.ts). Needs python3 with venv and PyPI; nothing global.
set -euo pipefail
cd "$(dirname "$0")/.."

CFN_LINT_VERSION=1.58.0
VENV=.xseven/cfn-lint

if [ -x "$VENV/bin/cfn-lint" ] && [ "$("$VENV/bin/cfn-lint" --version)" = "cfn-lint $CFN_LINT_VERSION" ]; then
  echo "cfn-lint $CFN_LINT_VERSION already in $VENV"
  exit 0
fi
mkdir -p .xseven
python3 -m venv "$VENV"
"$VENV/bin/pip" install --quiet --disable-pip-version-check "cfn-lint==$CFN_LINT_VERSION"
"$VENV/bin/cfn-lint" --version
