#!/bin/sh
# quickstart.sh — from a fresh Debian 12 checkout to a running wsusd:
# installs the Debian packages building and running need (tools/deps.sh
# run; the test tools come with tools/test.sh), builds without the tests,
# writes a local configuration under ./var/ (or keeps the one there),
# runs `wsusctl postinstall` and starts wsusd in the foreground (Ctrl-C
# stops it).
#   tools/quickstart.sh                 port 8530, or the port of var/wsusd.conf
#   PORT=18599 tools/quickstart.sh      that port; an existing var/wsusd.conf
#                                       gets its [listener http] port rewritten
#   tools/quickstart.sh --config-only   only write or update the configuration
#                                       and print the port (QUICKSTART_VAR=DIR
#                                       instead of ./var; used by the tests)
set -eu
cd "$(dirname "$0")/.."
top=$(pwd)
var=${QUICKSTART_VAR:-$top/var}
conf=$var/wsusd.conf
config_only=false
case ${1:-} in
--config-only) config_only=true ;;
"") ;;
*) echo "usage: [PORT=N] tools/quickstart.sh [--config-only]" >&2; exit 2 ;;
esac

# The port line of [listener http] in $conf, or nothing.
conf_port() {
	awk '/^\[/ { on = ($0 == "[listener http]") }
	    on && $1 == "port" && $2 == "=" { print $3; exit }' "$conf"
}

if [ -n "${PORT:-}" ]; then
	case $PORT in
	''|*[!0-9]*) echo "quickstart: PORT=$PORT is not a port number" >&2; exit 2 ;;
	esac
	if [ "$PORT" -lt 1 ] || [ "$PORT" -gt 65535 ]; then
		echo "quickstart: PORT=$PORT is not a port number from 1 to 65535" >&2
		exit 2
	fi
fi

mkdir -p "$var"
if [ ! -f "$conf" ]; then
	port=${PORT:-8530}
	cat >"$conf" <<CONF
# Local quick-start configuration written by tools/quickstart.sh.
# See etc/wsusd.conf.example (or wsusd.conf(5)) for every key.
[server]
content_dir = $var/content
database = sqlite://$var/wsusd.db
state_dir = $var
log_level = info

[listener http]
address = 0.0.0.0
port = $port
CONF
else
	port=$(conf_port)
	if [ -z "$port" ]; then
		echo "quickstart: $conf has no \"port =\" line in [listener http];" \
		    "edit it or remove it to have a new one written" >&2
		exit 1
	fi
	if [ -n "${PORT:-}" ] && [ "$PORT" != "$port" ]; then
		awk -v p="$PORT" '/^\[/ { on = ($0 == "[listener http]") }
		    on && !done && $1 == "port" && $2 == "=" {
			print "port = " p; done = 1; next
		    }
		    { print }' "$conf" >"$conf.new"
		mv "$conf.new" "$conf"
		echo "quickstart: $conf: [listener http] port $port changed to $PORT"
		port=$PORT
	fi
fi
if $config_only; then
	echo "quickstart: port $port"
	exit 0
fi

tools/deps.sh run
[ -f build/build.ninja ] || meson setup build --buildtype=release -Dtests=false >/dev/null
ninja -C build

build/src/cli/wsusctl -c "$conf" postinstall
echo "quickstart: wsusd on port $port; admin with: build/src/cli/wsusctl -c $conf COMMAND"
exec build/src/daemon/wsusd -c "$conf"
