#!/usr/bin/env bash
# The one install script of lxcfs-node: the Dockerfile's build stage runs exactly this, and
# test/daemonset/image/build.test.ts runs it on the host. It assembles a runnable install in
# DEST from the repository it lives in: the sources below are copied into a fresh work dir,
# `npm ci` (whose "install" script builds the addon with node-gyp), `npm run build`, then
# `npm prune --omit=dev`; DEST receives only package.json, dist/, the runtime node_modules/
# and build/Release/lxcfs_node.node (src/native/addon.ts loads ../../build/Release/ from dist/native/).
# npm reads npm_config_* from the environment: npm_config_offline=true installs from the cache.
set -euo pipefail

# Everything `npm ci` and `npm run build` read (binding.gyp also builds bench/loadgen.c).
# .dockerignore and the Dockerfile's COPY lines must keep all of these (the tests check it).
SOURCES=(package.json package-lock.json tsconfig.json tsconfig.build.json binding.gyp native src bench/loadgen.c)

usage() { echo "usage: $0 DEST   (DEST must be missing or an empty directory)" >&2; exit 2; }
die() { echo "build.sh: $*" >&2; exit 1; }

(($# == 1)) && [[ -n "$1" ]] || usage
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
dest=$(realpath -m -- "$1")   # absolute: the build runs in another directory

if [[ -e "$dest" ]]; then
  [[ -d "$dest" ]] || die "$dest exists and is not a directory"
  [[ -z "$(ls -A "$dest")" ]] || die "$dest exists and is not empty; refusing to install over it"
fi
command -v npm >/dev/null || die "npm is not on PATH"
for source in "${SOURCES[@]}"; do
  [[ -e "$repo/$source" ]] || die "$repo/$source is missing"
done

work=$(mktemp -d "${TMPDIR:-/tmp}/lxcfs-node-build.XXXXXX")
trap 'rm -rf "$work"' EXIT

echo "build.sh: copying sources from $repo to $work"
(cd "$repo" && cp -a --parents "${SOURCES[@]}" "$work/")
cd "$work"

echo "build.sh: npm ci (builds the native addon)"
npm ci --no-audit --no-fund --loglevel=error
echo "build.sh: npm run build"
npm run build --silent
echo "build.sh: npm prune --omit=dev"
npm prune --omit=dev --no-audit --no-fund --loglevel=error
# prune leaves the scope directories of removed scoped packages behind, empty.
find node_modules -mindepth 1 -maxdepth 1 -name '@*' -type d -empty -delete
[[ -f build/Release/lxcfs_node.node ]] || die "the build made no build/Release/lxcfs_node.node"

echo "build.sh: installing into $dest"
mkdir -p "$dest/build/Release"
cp -a package.json dist node_modules "$dest/"
cp -a build/Release/lxcfs_node.node "$dest/build/Release/"
echo "build.sh: done: $dest/dist/bin.js $(node -p 'require("./package.json").version')"
