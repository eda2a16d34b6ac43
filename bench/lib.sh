# bench/lib.sh — the plumbing the bench scripts share; sourced (`. bench/lib.sh`)
# from the top of the tree, never run.  It defines functions and one awk
# fragment ($bench_awk_med):
#
#   bench_build DIR    set up (release, no tests) and build DIR
#   bench_workdir TAG [TMP]  work=TMP/wsusd-TAG.XXXXXX (TMP: /tmp), with
#                      bench_cleanup on exit
#   bench_cleanup      stop every process with a pid file in $work or one
#                      level below ($work/NAME.pid, $work/DIR/NAME.pid),
#                      wait up to 5 s for them to go, remove $work (KEEP=1
#                      keeps it)
#   bench_conf [DIR [PORT]]  DIR/wsusd.conf (DIR: $work): everything below
#                      DIR, one listener on 127.0.0.1:PORT (PORT: $WPORT),
#                      $THREADS threads; ACCESS_LOG=1: the access log on
#                      (DIR/access.log)
#   bench_wsusd BIN [DIR]  start wsusd BIN with DIR/wsusd.conf (DIR: $work;
#                      log appended to DIR/wsusd.log, pid in DIR/wsusd.pid),
#                      wpid=its pid, wait up to 10 s for the port its
#                      configuration names
#   bench_upstream BUILD ARGS...  a store of the catalog that BUILD's
#                      bench/gen_catalog $work/catalog ARGS writes
#                      (bench_conf, postinstall, import-updates; ctl=its
#                      wsusctl command), then BUILD's wsusd started on it
#                      (bench_wsusd)
#   bench_wait URL...  wait until each URL answers 2xx (10 s each at most)
#   bench_ticks PID... CPU ticks (utime + stime) of those processes, summed
#   bench_nginx_ticks  CPU ticks of nginx's workers (bench_nginx's nginx)
#   bench_approve N    approve N software updates for All Computers ($ctl)
#   bench_machine [DNS] the simulated machine ($work/machine.ini): Windows
#                      10 22H2 with 200 Contoso patches installed
#   bench_content_set  $work/content/AB as the content store lays it out:
#                      big (256 MiB, $big), 1000 files of 16 KiB
#                      (%036XAB00.exe), tiny (4 KiB, $tiny); and the wrk
#                      scripts $work/range.lua (closed 1 MiB Ranges of
#                      big) and $work/small.lua (a random 16 KiB file)
#   bench_nginx KIND PORT [HTTP]  write $work/nginx.conf and start nginx
#                      ($THREADS workers, pid $work/nginx.pid) on PORT;
#                      KIND content: /Content/ from $work/content with
#                      sendfile; replay: a POST to /replay/SEQ.xml answered
#                      with the file $work/replay/SEQ.xml; HTTP: more lines
#                      for the http block
#   bench_replay_setup EXT  $work/replay/SEQ.xml from the answers recorded in
#                      $work/rec (SEQ-OP.response.EXT), and $work/replay.lua:
#                      the recorded session, request after request, on every
#                      connection (TARGET=nginx: to /replay/SEQ.xml);
#                      BENCH_UA: a User-Agent header for every request
#   bench_replay TARGET PORT THREADS CONNS [TAG]  wrk with $work/replay.lua
#                      (TARGET in its environment) for $DURATION s, its
#                      output in $work/wrk-TAG.out (TAG: TARGET):
#                      "requests/s non-200"
#   $bench_awk_med     awk: med(a, n), the median of a[1..n], sorting a in
#                      place (a[1] and a[n] are then the range); put it
#                      before a program: awk "$bench_awk_med"'...'
#
# What a function keeps for itself is named _NAME, so that it never
# overwrites a variable of the script that calls it.
#
# Not here: catalogs, loads, replays, nginx's configuration and the
# output — those are each script's own.

bench_build() {
	[ -f "$1/build.ninja" ] || meson setup "$1" --buildtype=release -Dtests=false >/dev/null
	ninja -C "$1" >/dev/null
}

bench_cleanup() {
	# every server a script started keeps its pid in $work/NAME.pid, or
	# in $work/DIR/NAME.pid when it has a directory of its own
	_pids=
	for _f in "$work"/*.pid "$work"/*/*.pid; do
		[ -f "$_f" ] || continue
		_p=$(cat "$_f")
		kill "$_p" 2>/dev/null && _pids="$_pids $_p"
	done
	# gone before their files are removed (a server still writing its
	# state would keep rm from emptying a directory)
	for _ in $(seq 50); do
		_alive=
		for _p in $_pids; do kill -0 "$_p" 2>/dev/null && _alive=1; done
		[ -n "$_alive" ] || break
		sleep 0.1
	done
	[ -n "${KEEP:-}" ] && echo "kept $work" >&2 || rm -rf "$work"
}

bench_workdir() {
	work=$(mktemp -d "${2:-/tmp}/wsusd-$1.XXXXXX")
	trap bench_cleanup EXIT INT TERM
}

# shellcheck disable=SC2120	# DIR and PORT are optional
bench_conf() {
	_d=${1:-$work}
	cat >"$_d/wsusd.conf" <<CONF
[server]
content_dir = $_d/content
database = sqlite://$_d/wsusd.db
state_dir = $_d
log_level = warn
$([ "${ACCESS_LOG:-0}" = 1 ] && echo "access_log = $_d/access.log")

[listener bench]
address = 127.0.0.1
port = ${2:-$WPORT}

[limits]
threads = $THREADS
max_connections = 4096
max_connections_per_ip = 4096
CONF
}

bench_wsusd() {
	_d=${2:-$work}
	"$1" -c "$_d/wsusd.conf" 2>>"$_d/wsusd.log" &
	echo $! >"$_d/wsusd.pid"
	wpid=$(cat "$_d/wsusd.pid")
	_p=$(awk -F' = ' '$1 == "port" {print $2}' "$_d/wsusd.conf")
	for _ in $(seq 50); do
		curl -s -o /dev/null "http://127.0.0.1:$_p/" && break
		sleep 0.2
	done
}

bench_upstream() {
	_b=$1
	shift
	"$_b/bench/gen_catalog" "$work/catalog" "$@" >/dev/null
	bench_conf
	ctl="$_b/src/cli/wsusctl -c $work/wsusd.conf"
	$ctl -q postinstall >/dev/null
	$ctl -q import-updates "$work/catalog" >/dev/null
	bench_wsusd "$_b/src/daemon/wsusd"
}

bench_wait() {
	for u in "$@"; do
		for _ in $(seq 50); do
			curl -fsS -o /dev/null "$u" 2>/dev/null && break
			sleep 0.2
		done
	done
}

bench_ticks() {
	for p in "$@"; do awk '{print $14 + $15}' /proc/"$p"/stat; done |
	    awk '{s += $1} END {print s + 0}'
}

bench_nginx_ticks() {
	# the master only starts and watches its workers; they serve
	# shellcheck disable=SC2046
	bench_ticks $(pgrep -P "$(cat "$work/nginx.pid")")
}

bench_approve() {
	# shellcheck disable=SC2046
	$ctl -q approve $($ctl --json updates list --type software --limit "$1" |
		jq -r '.[].update_id') --group "All Computers" >/dev/null
}

bench_machine() {
	# build 19045: the updates of one synthetic product apply
	{
		printf '[machine]\nos_version = 10.0.19045.3930\n'
		[ -n "${1:-}" ] && printf 'dns_name = %s\n' "$1"
		printf '[registry]\n'
		i=5000000
		while [ $i -lt 5000200 ]; do
			printf 'HKLM\\SOFTWARE\\Contoso\\Patches\\KB%s = dword:1\n' $i
			i=$((i + 1))
		done
	} >"$work/machine.ini"
}

bench_content_set() {
	mkdir -p "$work/content/AB"
	big=0123456789ABCDEF0123456789ABCDEF012345AB.cab
	head -c $((256 * 1024 * 1024)) /dev/urandom >"$work/content/AB/$big"
	i=0
	while [ $i -lt 1000 ]; do
		head -c 16384 /dev/urandom >"$work/content/AB/$(printf '%036X' $i)AB00.exe"
		i=$((i + 1))
	done
	tiny=FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFAB.cab
	head -c 4096 /dev/urandom >"$work/content/AB/$tiny"
	# what Windows Delivery Optimization sends: closed 1 MiB Ranges
	cat >"$work/range.lua" <<'LUA'
request = function()
	local i = math.random(0, 255)
	return wrk.format("GET", wrk.path, { ["Range"] = "bytes=" .. (i * 1048576) .. "-" .. (i * 1048576 + 1048575) })
end
response = function(status, headers, body)
	if status ~= 206 then error("status " .. status) end
end
LUA
	cat >"$work/small.lua" <<'LUA'
request = function()
	return wrk.format("GET", string.format("/Content/AB/%036XAB00.exe", math.random(0, 999)))
end
LUA
}

bench_nginx() {
	case $1 in
	content)
		http="sendfile on;
	tcp_nopush on;
	default_type application/octet-stream;"
		loc="location /Content/ { alias $work/content/; }" ;;
	replay)
		http=""
		loc="location /replay/ {
			alias $work/replay/;
			default_type \"text/xml; charset=utf-8\";
			error_page 405 =200 \$uri;	# serve the file to a POST
		}" ;;
	*) echo "bench_nginx: no kind $1" >&2; return 1 ;;
	esac
	cat >"$work/nginx.conf" <<CONF
worker_processes $THREADS;
daemon on;
pid $work/nginx.pid;
error_log $work/nginx.err warn;
worker_rlimit_nofile 8192;
events { worker_connections 4096; }
http {
	access_log off;
	keepalive_requests 1000000;
	keepalive_timeout 60;
	$http
	${3:-}
	server {
		listen 127.0.0.1:$2;
		$loc
	}
}
CONF
	chmod 755 "$work"	# nginx's workers (www-data) read below it
	nginx -c "$work/nginx.conf" -p "$work"
}

bench_replay_setup() {
	mkdir -p "$work/replay"
	while IFS="$(printf '\t')" read -r seq op _; do
		cp "$work/rec/$seq-$op.response.$1" "$work/replay/$seq.xml"
	done <"$work/rec/index.tsv"
	ua=""
	[ -n "${BENCH_UA:-}" ] && ua="[\"User-Agent\"] = \"$BENCH_UA\","
	cat >"$work/replay.lua" <<LUA
-- one recorded session, request after request, on every connection
local dir = "$work"
local target = os.getenv("TARGET")
local seq = {}
local n = 0
-- built in init(): wrk has set the Host header by then
function init(args)
	for line in io.lines(dir .. "/rec/index.tsv") do
		local num, op, path, action = line:match("^(%S+)\t(%S+)\t(%S+)\t(%S+)")
		local f = assert(io.open(dir .. "/rec/" .. num .. "-" .. op .. ".request.xml", "rb"))
		local body = f:read("*a")
		f:close()
		if target == "nginx" then path = "/replay/" .. num .. ".xml" end
		n = n + 1
		seq[n] = wrk.format("POST", path, {
			["Host"] = wrk.headers["Host"],
			["Content-Type"] = "text/xml; charset=utf-8",
			["SOAPAction"] = '"' .. action .. '"',
			$ua
		}, body)
	end
end
local i = 0
request = function()
	i = i % n + 1
	return seq[i]
end
done = function(summary, latency, requests)
	io.write(string.format("non200 %d\n", summary.errors.status))
end
LUA
}

bench_replay() {
	_o=$work/wrk-${5:-$1}.out
	TARGET=$1 wrk -t"$3" -c"$4" -d"${DURATION}s" -s "$work/replay.lua" \
	    "http://127.0.0.1:$2" >"$_o" 2>&1
	printf '%s %s\n' "$(awk '/^Requests\/sec:/ {print $2}' "$_o")" \
	    "$(awk '/^non200/ {print $2}' "$_o")"
}

# shellcheck disable=SC2034	# used by the scripts that source this file
bench_awk_med='
	function med(a, n,   i, j, t) {
		for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++)
			if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
		return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
	}'
