#!/usr/bin/env bash
# Prepares a fresh Debian/Ubuntu machine: system packages if missing, npm ci (which
# builds the native addon through node-gyp), and the TypeScript build into dist/.
# With --test it also installs what the test suite needs (the reference lxcfs, procps,
# a C compiler for the protocol layout test, strace to stop a reader at the return of read(2)). Safe to run again; it only adds.
set -euo pipefail
cd "$(dirname "$0")/.."

want_test=false
[[ "${1:-}" == "--test" ]] && want_test=true

need=()
command -v node >/dev/null || { echo "setup: Node.js >= 20.17 is required" >&2; exit 1; }
command -v make >/dev/null || need+=(make)
command -v g++ >/dev/null || need+=(g++)
command -v python3 >/dev/null || need+=(python3)
command -v unshare >/dev/null || need+=(util-linux)
command -v mount >/dev/null || need+=(mount)
if $want_test; then
  command -v lxcfs >/dev/null || need+=(lxcfs)
  command -v free >/dev/null || need+=(procps)
  command -v cc >/dev/null || need+=(gcc)
  command -v strace >/dev/null || need+=(strace)
  [[ -f /usr/include/linux/fuse.h ]] || need+=(linux-libc-dev)
fi

if ((${#need[@]})); then
  echo "setup: installing ${need[*]}" >&2
  [[ $(id -u) == 0 ]] || { echo "setup: root is needed to install ${need[*]}" >&2; exit 1; }
  # Debian's lxcfs package starts its own daemon on /var/lib/lxcfs; the tests run the
  # reference lxcfs on temporary directories only, so keep the service from starting.
  created_policy=false
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
    created_policy=true
  fi
  trap '$created_policy && rm -f /usr/sbin/policy-rc.d' EXIT
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  # Nor start it at the next boot, where it would take /var/lib/lxcfs from lxcfs-node.
  if [[ " ${need[*]} " == *" lxcfs "* ]] && command -v systemctl >/dev/null; then
    systemctl disable lxcfs >/dev/null 2>&1 || true
  fi
fi

npm ci --no-audit --no-fund
npm run build
