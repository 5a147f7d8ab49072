#!/usr/bin/env bash
# Checks that the suite left nothing behind: no FUSE mount, cgroup, swap file or
# process of a test (daemons and readers name the tests' temp dirs in their argv).
set -uo pipefail
leftover=0
while read -r mnt; do
  echo "after-tests: FUSE mount left behind: $mnt" >&2; leftover=1
done < <(awk '{ for (i = 7; i <= NF; i++) if ($i == "-") { if ($(i + 1) ~ /^fuse/ && $5 ~ /lxcfs-node-(it|test)-/) print $5; break } }' /proc/self/mountinfo)
for dir in /sys/fs/cgroup/*/lxcfs-node-test-*; do
  [[ -d "$dir" ]] || continue
  echo "after-tests: cgroup left behind: $dir" >&2; leftover=1
done
while read -r swap; do
  echo "after-tests: swap file left active: $swap" >&2; leftover=1
done < <(swapon --show=NAME --noheadings 2>/dev/null | grep 'lxcfs-node-it-')
for cmdline in /proc/[0-9]*/cmdline; do
  { args=$(tr '\0' ' ' < "$cmdline"); } 2>/dev/null || continue  # it may have exited
  [[ "$args" == *lxcfs-node-it-* || "$args" == *lxcfs-node-test-* ]] || continue
  pid=${cmdline#/proc/}; pid=${pid%/cmdline}
  [[ "$pid" == "$$" || "$pid" == "$BASHPID" ]] && continue
  echo "after-tests: process left running: $pid $args" >&2; leftover=1
done
exit "$leftover"
