#!/usr/bin/env bash
# Smoke test of the running interop rig: runs check.py against the facts setup.sh wrote.
# Exits non-zero when any check fails. Root is needed to read the maildirs (mode 0700).
set -euo pipefail
# shellcheck source-path=SCRIPTDIR
# shellcheck source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

[[ -r $SMTPX_INTEROP_ENV_FILE ]] ||
    interop_die "$SMTPX_INTEROP_ENV_FILE missing: run scripts/interop/setup.sh first"
set -a
# shellcheck disable=SC1090  # written by setup.sh at run time
source "$SMTPX_INTEROP_ENV_FILE"
set +a
exec python3 "$(dirname "${BASH_SOURCE[0]}")/check.py"
