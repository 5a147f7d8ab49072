#!/usr/bin/env bash
# Set-up, then lxcfs-node in the foreground on /var/lib/lxcfs (or the mountpoint and
# options given). Stop it with Ctrl-C or SIGTERM: it unmounts cleanly.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec dist/bin.js "$@" # itself: its shebang carries the V8 flags
