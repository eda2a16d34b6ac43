#!/bin/sh
# deps.sh — install the Debian 12 packages wsusd needs.  Installs only
# what is missing; uses sudo when not root.
#   tools/deps.sh run      building and running only (tools/quickstart.sh)
#   tools/deps.sh          also testing: cmocka, clang/llvm for the fuzz and
#                          sanitizer steps, lint tools, the tools the tests
#                          run, and the Debian packaging tools (tools/test.sh)
#   tools/deps.sh bench    also the benchmark peers (nginx, wrk)
#   tools/deps.sh --list [run|bench]   print the packages, install nothing
set -eu

list=false
if [ "${1:-}" = --list ]; then
	list=true
	shift
fi

RUN="meson ninja-build pkg-config gcc \
libmicrohttpd-dev libgnutls28-dev libexpat1-dev libsqlite3-dev libssl-dev libcurl4-openssl-dev \
libmspack-dev libinih-dev libjansson-dev zlib1g-dev"
TEST="libcmocka-dev clang-14 libclang-rt-14-dev llvm-14 \
openssl curl sqlite3 libxml2-utils gcab cabextract jq \
cppcheck clang-format \
dpkg-dev debhelper fakeroot lintian bash-completion groff-base systemd"
case ${1:-} in
run)	PKGS=$RUN ;;
bench)	PKGS="$RUN $TEST nginx-light wrk time" ;;
"")	PKGS="$RUN $TEST" ;;
*)	echo "usage: tools/deps.sh [--list] [run|bench]" >&2; exit 2 ;;
esac

if $list; then
	# shellcheck disable=SC2086
	printf '%s\n' $PKGS
	exit 0
fi

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
