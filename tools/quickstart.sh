#!/bin/sh
# quickstart.sh — from a fresh Debian 12 checkout to a running wsusd:
# installs the Debian packages, builds, writes a local configuration under
# ./var/ (unless one is there), runs `wsusctl postinstall` and starts wsusd
# in the foreground on port 8530 (Ctrl-C stops it).
#   PORT=8530 tools/quickstart.sh
set -eu
cd "$(dirname "$0")/.."
top=$(pwd)
port=${PORT:-8530}

tools/deps.sh
[ -f build/build.ninja ] || meson setup build --buildtype=release -Dtests=false >/dev/null
ninja -C build

mkdir -p var
conf=var/wsusd.conf
if [ ! -f "$conf" ]; then
	cat >"$conf" <<CONF
# Local quick-start configuration written by tools/quickstart.sh.
# See etc/wsusd.conf.example for every key.
[server]
content_dir = $top/var/content
database = sqlite://$top/var/wsusd.db
state_dir = $top/var
log_level = info

[listener http]
address = 0.0.0.0
port = $port
CONF
fi

build/src/cli/wsusctl -c "$conf" postinstall
echo "quickstart: wsusd on port $port; admin with: build/src/cli/wsusctl -c $conf COMMAND"
exec build/src/daemon/wsusd -c "$conf"
