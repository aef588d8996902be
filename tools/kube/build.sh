#!/usr/bin/env bash
# Builds the real Kubernetes control plane the tests run (etcd, kube-apiserver,
# kube-controller-manager, kube-scheduler, kubectl, kwok) from the Go module proxy, and caches the
# binaries by version outside the repository, so a second run returns in seconds:
#
#   $UNDERWAY_KUBE_CACHE (default ${XDG_CACHE_HOME:-~/.cache}/underway/kube)/
#     kubernetes-<v>/{kube-apiserver,kube-controller-manager,kube-scheduler,kubectl}
#     etcd-<v>/etcd
#     kwok-<v>/kwok and kwok-<v>/stages/*.yaml (kwok's own stage files, from its module)
#
# Versions: tools/kube/versions.properties (each must match its wrapper module's go.mod). The
# wrapper modules (tools/kube/{kubernetes,etcd,kwok}) hold only go.mod, go.sum and, for etcd, a
# three-line main; nothing upstream is copied into this repository. Needs Go >= 1.26.
# Usage: tools/kube/build.sh [--print-dir]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=/dev/null
. "$here/versions.properties"
cache="${UNDERWAY_KUBE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/underway/kube}"
if [ "${1:-}" = "--print-dir" ]; then echo "$cache"; exit 0; fi

k8s_dir="$cache/kubernetes-$kubernetes"
etcd_dir="$cache/etcd-$etcd"
kwok_dir="$cache/kwok-$kwok"
k8s_bins=(kube-apiserver kube-controller-manager kube-scheduler kubectl)

complete() { # every binary present: a directory is only ever renamed into place when whole
  [ -x "$k8s_dir/kube-apiserver" ] && [ -x "$k8s_dir/kubectl" ] \
    && [ -x "$k8s_dir/kube-controller-manager" ] && [ -x "$k8s_dir/kube-scheduler" ] \
    && [ -x "$etcd_dir/etcd" ] && [ -x "$kwok_dir/kwok" ] && [ -f "$kwok_dir/stages/pod-ready.yaml" ]
}
if complete; then echo "kube: cached in $cache"; exit 0; fi

command -v go >/dev/null 2>&1 || {
  echo "kube: Go >= 1.26 is needed to build the test control plane (no binaries in $cache)" >&2
  exit 1
}
export GOTOOLCHAIN=local GOFLAGS=-mod=readonly CGO_ENABLED=0
mkdir -p "$cache"
exec 9>"$cache/.build.lock"
flock 9 # another build (a second checkout, CI) finishes first; then this one finds the cache
if complete; then echo "kube: cached in $cache"; exit 0; fi

require() { # the wrapper's go.mod must pin the version this file names
  local dir=$1 module=$2 version=$3 got
  got="$(cd "$here/$dir" && go list -m -f '{{.Version}}' "$module")"
  [ "$got" = "$version" ] || {
    echo "kube: tools/kube/$dir/go.mod has $module $got, versions.properties says $version" >&2
    exit 1
  }
}
require kubernetes k8s.io/kubernetes "$kubernetes"
require etcd go.etcd.io/etcd/server/v3 "$etcd"
require kwok sigs.k8s.io/kwok "$kwok"

tmp="$(mktemp -d "$cache/.build.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
start=$SECONDS
minor="${kubernetes#v1.}"; minor="${minor%%.*}"
version_flags=""
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  version_flags+=" -X $pkg.gitVersion=$kubernetes -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor"
  version_flags+=" -X $pkg.gitTreeState=clean -X $pkg.buildDate=1970-01-01T00:00:00Z"
done

if [ ! -x "$etcd_dir/etcd" ]; then
  echo "kube: building etcd $etcd"
  mkdir -p "$tmp/etcd"
  (cd "$here/etcd" && go build -trimpath -ldflags "-s -w" -o "$tmp/etcd/etcd" .)
  rm -rf "$etcd_dir"; mv "$tmp/etcd" "$etcd_dir"
fi
if [ ! -x "$kwok_dir/kwok" ] || [ ! -f "$kwok_dir/stages/pod-ready.yaml" ]; then
  echo "kube: building kwok $kwok"
  mkdir -p "$tmp/kwok/stages"
  (cd "$here/kwok" && go build -trimpath -ldflags "-s -w" -o "$tmp/kwok/kwok" sigs.k8s.io/kwok/cmd/kwok)
  # kwok's binary has no stages built in: take the documented ones from its own module
  src="$(cd "$here/kwok" && go list -m -f '{{.Dir}}' sigs.k8s.io/kwok)/kustomize/stage"
  cp "$src/node/fast/node-initialize.yaml" "$src/node/heartbeat/node-heartbeat.yaml" \
    "$src"/pod/general/pod-*.yaml "$tmp/kwok/stages/"
  rm -rf "$kwok_dir"; mv "$tmp/kwok" "$kwok_dir"
fi
if [ ! -x "$k8s_dir/kube-apiserver" ] || [ ! -x "$k8s_dir/kubectl" ] \
  || [ ! -x "$k8s_dir/kube-controller-manager" ] || [ ! -x "$k8s_dir/kube-scheduler" ]; then
  echo "kube: building ${k8s_bins[*]} $kubernetes (about 10 minutes on 2 cores)"
  mkdir -p "$tmp/kubernetes"
  pkgs=(); for b in "${k8s_bins[@]}"; do pkgs+=("k8s.io/kubernetes/cmd/$b"); done
  (cd "$here/kubernetes" && go build -trimpath -ldflags "-s -w$version_flags" -o "$tmp/kubernetes/" "${pkgs[@]}")
  rm -rf "$k8s_dir"; mv "$tmp/kubernetes" "$k8s_dir"
fi
complete || { echo "kube: build finished but $cache is incomplete" >&2; exit 1; }
echo "kube: built into $cache in $((SECONDS - start)) s"
