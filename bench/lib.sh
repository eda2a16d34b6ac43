# bench/lib.sh — the plumbing the bench scripts share; sourced (`. bench/lib.sh`)
# from the top of the tree, never run.  It defines functions only:
#
#   bench_build DIR    set up (release, no tests) and build DIR
#   bench_workdir TAG  work=/tmp/wsusd-TAG.XXXXXX, with bench_cleanup on exit
#   bench_cleanup      stop wsusd and nginx (pid files in $work), remove
#                      $work (KEEP=1 keeps it)
#   bench_conf         $work/wsusd.conf: everything below $work, one
#                      listener on 127.0.0.1:$WPORT, $THREADS threads;
#                      ACCESS_LOG=1: the access log on ($work/access.log)
#   bench_wsusd BIN    start wsusd BIN with it (log in $work/wsusd.log),
#                      wpid=its pid, wait up to 10 s for the port
#
# Not here: catalogs, loads, replays, nginx's configuration and the
# output — those are each script's own.

bench_build() {
	[ -f "$1/build.ninja" ] || meson setup "$1" --buildtype=release -Dtests=false >/dev/null
	ninja -C "$1" >/dev/null
}

bench_cleanup() {
	[ -f "$work/wsusd.pid" ] && kill "$(cat "$work/wsusd.pid")" 2>/dev/null || true
	[ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null || true
	sleep 0.3
	[ -n "${KEEP:-}" ] && echo "kept $work" >&2 || rm -rf "$work"
}

bench_workdir() {
	work=$(mktemp -d "/tmp/wsusd-$1.XXXXXX")
	trap bench_cleanup EXIT INT TERM
}

bench_conf() {
	cat >"$work/wsusd.conf" <<CONF
[server]
content_dir = $work/content
database = sqlite://$work/wsusd.db
state_dir = $work
log_level = warn
$([ "${ACCESS_LOG:-0}" = 1 ] && echo "access_log = $work/access.log")

[listener bench]
address = 127.0.0.1
port = $WPORT

[limits]
threads = $THREADS
max_connections = 4096
max_connections_per_ip = 4096
CONF
}

bench_wsusd() {
	"$1" -c "$work/wsusd.conf" 2>"$work/wsusd.log" &
	echo $! >"$work/wsusd.pid"
	wpid=$(cat "$work/wsusd.pid")
	for _ in $(seq 50); do
		curl -s -o /dev/null "http://127.0.0.1:$WPORT/" && break
		sleep 0.2
	done
}
