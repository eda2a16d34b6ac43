#!/bin/sh
# deps.sh — install the Debian 12 packages wsusd needs to build and test.
# Installs only what is missing; uses sudo when not root.
#   tools/deps.sh          build + test dependencies
#   tools/deps.sh bench    also the benchmark peers (nginx, wrk)
set -eu

PKGS="meson ninja-build pkg-config gcc \
libmicrohttpd-dev libexpat1-dev libsqlite3-dev libssl-dev libcurl4-openssl-dev \
libmspack-dev libinih-dev libjansson-dev zlib1g-dev libcmocka-dev \
clang-14 libclang-rt-14-dev llvm-14 \
openssl curl sqlite3 libxml2-utils gcab cabextract jq \
cppcheck clang-format"
[ "${1:-}" = bench ] && PKGS="$PKGS nginx-light wrk time"

missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo
echo "deps.sh: installing:$missing" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
