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

bench_workdir bench
bench_content_set

bench_conf
ulimit -n 8192 2>/dev/null || true
bench_wsusd build-bench/src/daemon/wsusd
bench_nginx content "$NPORT"
bench_wait "http://127.0.0.1:$WPORT/Content/AB/$tiny" \
    "http://127.0.0.1:$NPORT/Content/AB/$tiny"
# identical bytes from both before measuring anything
for p in $WPORT $NPORT; do
	curl -fsS -r 1048576-2097151 "http://127.0.0.1:$p/Content/AB/$big" | sha1sum
done | uniq | wc -l | grep -qx 1 || { echo "content.sh: servers disagree on bytes" >&2; exit 1; }

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
