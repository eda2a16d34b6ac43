#!/bin/sh
# content.sh — content serving, wsusd beside nginx on the same files, in
# one run, with wrk.  Prints requests/s, MB/s and the ratio wsusd/nginx for:
#   range1m   closed 1 MiB Range GETs at random offsets of a 256 MiB file
#             (what Windows Delivery Optimization sends), 16 connections
#   small     whole 16 KiB files picked at random from 1000, 64 connections
#   manyconn  whole 4 KiB file over 1000 keep-alive connections
# Both servers get 2 worker threads/processes and sendfile.
#   DURATION=10 bench/content.sh
set -eu
cd "$(dirname "$0")/.."
. bench/lib.sh
top=$(pwd)
DURATION=${DURATION:-10}
WPORT=${WPORT:-18530}
NPORT=${NPORT:-18580}
THREADS=${THREADS:-2}

tools/deps.sh bench
bench_build build-bench

work=$(mktemp -d /tmp/wsusd-bench.XXXXXX)
cleanup() {
	[ -f "$work/wsusd.pid" ] && kill "$(cat "$work/wsusd.pid")" 2>/dev/null || true
	[ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null || true
	sleep 0.3
	rm -rf "$work"
}
trap cleanup EXIT INT TERM
chmod 755 "$work"	# nginx workers run as www-data
mkdir -p "$work/content/AB"

# Content: names as the content store lays them out (XX/SHA1HEX.ext).
big=0123456789ABCDEF0123456789ABCDEF012345AB.cab
head -c $((256 * 1024 * 1024)) /dev/urandom >"$work/content/AB/$big"
i=0
while [ $i -lt 1000 ]; do
	n=$(printf '%036X' $i)AB00
	head -c 16384 /dev/urandom >"$work/content/AB/${n}.exe"
	i=$((i + 1))
done
tiny=FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFAB.cab
head -c 4096 /dev/urandom >"$work/content/AB/$tiny"

bench_conf
cat >"$work/nginx.conf" <<CONF
worker_processes $THREADS;
daemon on;
pid $work/nginx.pid;
error_log $work/nginx.err warn;
worker_rlimit_nofile 8192;
events { worker_connections 4096; }
http {
	access_log off;
	sendfile on;
	tcp_nopush on;
	keepalive_requests 1000000;
	keepalive_timeout 60;
	default_type application/octet-stream;
	server {
		listen 127.0.0.1:$NPORT;
		location /Content/ { alias $work/content/; }
	}
}
CONF

ulimit -n 8192 2>/dev/null || true
build-bench/src/daemon/wsusd -c "$work/wsusd.conf" 2>"$work/wsusd.log" &
echo $! >"$work/wsusd.pid"
nginx -c "$work/nginx.conf" -p "$work"
for _ in 1 2 3 4 5 6 7 8 9 10; do
	curl -fsS -o /dev/null "http://127.0.0.1:$WPORT/Content/AB/$tiny" 2>/dev/null &&
	curl -fsS -o /dev/null "http://127.0.0.1:$NPORT/Content/AB/$tiny" 2>/dev/null && break
	sleep 0.5
done
# identical bytes from both before measuring anything
for p in $WPORT $NPORT; do
	curl -fsS -r 1048576-2097151 "http://127.0.0.1:$p/Content/AB/$big" | sha1sum
done | uniq | wc -l | grep -qx 1 || { echo "content.sh: servers disagree on bytes" >&2; exit 1; }

cat >"$work/range.lua" <<'LUA'
local piece = 1048576
local pieces = 256
request = function()
	local i = math.random(0, pieces - 1)
	return wrk.format("GET", wrk.path, { ["Range"] = "bytes=" .. (i * piece) .. "-" .. (i * piece + piece - 1) })
end
response = function(status, headers, body)
	if status ~= 206 then error("status " .. status) end
end
LUA
cat >"$work/small.lua" <<'LUA'
request = function()
	local i = math.random(0, 999)
	return wrk.format("GET", string.format("/Content/AB/%036XAB00.exe", i))
end
LUA

# run NAME PORT CONNS SCRIPT PATH -> "req/s MB/s"
run() {
	wrk -t2 -c"$3" -d"${DURATION}s" ${4:+-s "$4"} "http://127.0.0.1:$2$5" >"$work/wrk.out" 2>&1
	rps=$(awk '/^Requests\/sec:/ {print $2}' "$work/wrk.out")
	tr=$(awk '/^Transfer\/sec:/ {print $2}' "$work/wrk.out")
	errs=$(awk '/Non-2xx|Socket errors/ {print}' "$work/wrk.out" | tr '\n' ' ')
	mbs=$(echo "$tr" | awk '/GB/ {sub("GB",""); print $1*1024; next} /MB/ {sub("MB",""); print $1; next} /KB/ {sub("KB",""); print $1/1024; next} {print $1/1048576}')
	echo "$rps $mbs $errs"
}

printf '| scenario | connections | wsusd req/s | wsusd MB/s | nginx req/s | nginx MB/s | ratio wsusd/nginx |\n'
printf '|---|---|---|---|---|---|---|\n'
for sc in range1m small manyconn; do
	case $sc in
	range1m) c=16; s="$work/range.lua"; p="/Content/AB/$big" ;;
	small) c=64; s="$work/small.lua"; p="/" ;;
	manyconn) c=1000; s=""; p="/Content/AB/$tiny" ;;
	esac
	# two rounds in the order wsusd, nginx, nginx, wsusd; the better run of
	# each server counts, so neither gains from going first or second
	w_rps=0 n_rps=0 w_err="" n_err=""
	for port in $WPORT $NPORT $NPORT $WPORT; do
		set -- $(run "$sc" "$port" "$c" "$s" "$p")
		r=$1 m=$2
		shift 2
		if [ "$port" = "$WPORT" ]; then
			w_err="$w_err$*"
			if awk -v a="$r" -v b="$w_rps" 'BEGIN {exit !(a > b)}'; then w_rps=$r w_mbs=$m; fi
		else
			n_err="$n_err$*"
			if awk -v a="$r" -v b="$n_rps" 'BEGIN {exit !(a > b)}'; then n_rps=$r n_mbs=$m; fi
		fi
	done
	ratio=$(awk -v a="$w_rps" -v b="$n_rps" 'BEGIN {printf "%.2f", (b > 0 ? a / b : 0)}')
	printf '| %s | %s | %s | %s | %s | %s | %s |\n' "$sc" "$c" "$w_rps" "$w_mbs" "$n_rps" "$n_mbs" "$ratio"
	[ -z "$w_err$n_err" ] || printf '  (errors: wsusd: %s nginx: %s)\n' "$w_err" "$n_err"
done
echo "duration ${DURATION}s per run, best of 2 runs per server, $THREADS server threads, $(nproc) cores, $(uname -r)"
