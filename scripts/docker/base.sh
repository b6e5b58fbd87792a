#!/usr/bin/env bash
# Builds, on a machine that cannot pull from an image registry, the base image the Dockerfile's
# `ARG BASE` names (node:20-bookworm-slim): Debian bookworm from Debian's own mirror (debootstrap,
# minbase) plus this machine's Node.js binary and npm, imported with `docker import`. Only the
# base's origin differs from a registry build (docs/operations.md, "Containers"); the Dockerfile is
# the same. Skips the build when the image already exists (run with --force to rebuild).
# Needs root, debootstrap and a running docker daemon. Bounded: debootstrap gets 15 minutes.
set -euo pipefail
TAG="${TAU_DOCKER_BASE:-node:20-bookworm-slim}"
MIRROR="${TAU_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
if [ "${1:-}" != "--force" ] && docker image inspect "$TAG" >/dev/null 2>&1; then
  echo "base: $TAG exists"
  exit 0
fi
node_bin="$(command -v node)"
node_major="$(node -p 'process.versions.node.split(".")[0]')"
want_major="$(printf '%s' "$TAG" | sed -n 's/^node:\([0-9]*\)-.*/\1/p')"
if [ -n "$want_major" ] && [ "$want_major" != "$node_major" ]; then
  echo "base: this machine's Node is $node_major, the tag says $want_major: set TAU_DOCKER_BASE=node:${node_major}-bookworm-slim and build with --build-arg BASE=that" >&2
  exit 1
fi
npm_dir="$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")")"
root="$(mktemp -d /tmp/tau-base-XXXXXX)"
trap 'rm -rf "$root"' EXIT
echo "base: debootstrap bookworm (minbase) from $MIRROR"
timeout 900 debootstrap --variant=minbase --include=ca-certificates bookworm "$root" "$MIRROR" >"$root.log" 2>&1 \
  || { tail -20 "$root.log" >&2; rm -f "$root.log"; exit 1; }
rm -f "$root.log"
# Where the official node images keep them.
install -m 0755 "$node_bin" "$root/usr/local/bin/node"
mkdir -p "$root/usr/local/lib/node_modules"
cp -a "$npm_dir" "$root/usr/local/lib/node_modules/npm"
ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$root/usr/local/bin/npm"
ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$root/usr/local/bin/npx"
# This machine's extra certificate authorities (a TLS-inspecting egress proxy, a company CA), so npm
# inside the build reaches the registry as it does here; a registry-pulled base needs none.
ca_env=()
if compgen -G "/usr/local/share/ca-certificates/*.crt" >/dev/null; then
  cp /usr/local/share/ca-certificates/*.crt "$root/usr/local/share/ca-certificates/"
  chroot "$root" update-ca-certificates >/dev/null 2>&1
  ca_env=(--change 'ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt')
fi
# As slim as the official -slim images: no package lists, caches or docs.
rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/* "$root"/usr/share/doc/* "$root"/usr/share/man/* "$root"/usr/share/locale/*
tar -C "$root" -c . | docker import \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change "ENV NODE_VERSION=$(node -p process.versions.node)" \
  --change 'CMD ["node"]' "${ca_env[@]}" - "$TAG" >/dev/null
echo "base: built $TAG (Node $(node -p process.versions.node))"
