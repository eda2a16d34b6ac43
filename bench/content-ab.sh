#!/bin/sh
# content-ab.sh — two wsusd builds (A and B, e.g. before and after a
# change) and nginx serving the same content directory, measured
# interleaved in one run: the scenarios of bench/content.sh (range1m,
# small, manyconn), ROUNDS rounds, each round running A, B and nginx in
# a rotated order so that none gains from its place.  Prints per server
# and scenario the median and range of requests/s, the median of the
# per-round ratios A/nginx and B/nginx, and B/A; and each server's CPU
# time per request (less dependent on the machine's other load).
#
#   A=/abs/before/build-bench B=build-bench ROUNDS=5 DURATION=6 bench/content-ab.sh
#
# A and B are build directories (absolute, or relative to the top of this
# tree); both serve with THREADS (2) threads, nginx with as many workers.
# Not here: building A (build it in its own tree); B is built if needed.
set -eu
cd "$(dirname "$0")/.."
. bench/lib.sh
top=$(pwd)
DURATION=${DURATION:-6}
ROUNDS=${ROUNDS:-5}
THREADS=${THREADS:-2}
APORT=${APORT:-18630}
BPORT=${BPORT:-18631}
NPORT=${NPORT:-18680}
A=${A:?A=build directory of the first wsusd}
B=${B:-build-bench}
case $A in /*) ;; *) A=$top/$A ;; esac
case $B in /*) ;; *) B=$top/$B ;; esac
[ "$B" = "$top/build-bench" ] && bench_build build-bench
[ -x "$A/src/daemon/wsusd" ] && [ -x "$B/src/daemon/wsusd" ] ||
    { echo "content-ab.sh: no wsusd in $A or $B" >&2; exit 1; }

bench_workdir ab	# bench_cleanup stops a, b and nginx (their .pid files)
bench_content_set

# one configuration per wsusd (own port, own database)
for s in a b; do
	case $s in a) WPORT=$APORT ;; b) WPORT=$BPORT ;; esac
	bench_conf
	mkdir -p "$work/$s"
	sed -i -e "s|$work/wsusd.db|$work/$s/wsusd.db|" \
	    -e "s|^state_dir = .*|state_dir = $work/$s|" "$work/wsusd.conf"
	mv "$work/wsusd.conf" "$work/$s.conf"
done
ulimit -n 8192 2>/dev/null || true
"$A/src/daemon/wsusd" -c "$work/a.conf" 2>"$work/a.log" & echo $! >"$work/a.pid"
"$B/src/daemon/wsusd" -c "$work/b.conf" 2>"$work/b.log" & echo $! >"$work/b.pid"
bench_nginx content "$NPORT"
for p in $APORT $BPORT $NPORT; do
	bench_wait "http://127.0.0.1:$p/Content/AB/$tiny"
done
for p in $APORT $BPORT $NPORT; do
	curl -fsS -r 1048576-2097151 "http://127.0.0.1:$p/Content/AB/$big" | sha1sum
done | uniq | wc -l | grep -qx 1 || { echo "content-ab.sh: servers disagree on bytes" >&2; exit 1; }

# ticks (utime + stime) of server S: a, b, or n (nginx's workers)
ticks() {
	case $1 in
	n) bench_nginx_ticks ;;
	*) bench_ticks "$(cat "$work/$1.pid")" ;;
	esac
}
hz=$(getconf CLK_TCK)
# run SERVER PORT CONNS SCRIPT PATH -> "req/s CPU-µs-per-request"
run() {
	t0=$(ticks "$1")
	wrk -t2 -c"$3" -d"${DURATION}s" ${4:+-s "$4"} "http://127.0.0.1:$2$5" >"$work/wrk.out" 2>&1
	t1=$(ticks "$1")
	if grep -q 'Non-2xx\|Socket errors' "$work/wrk.out"; then
		grep 'Non-2xx\|Socket errors' "$work/wrk.out" >&2
	fi
	awk -v t="$((t1 - t0))" -v hz="$hz" '
	/requests in/ { n = $1 }
	/^Requests\/sec:/ { r = $2 }
	END { printf "%s %.2f\n", r, (n > 0 ? t / hz * 1e6 / n : 0) }' "$work/wrk.out"
}

: >"$work/results"	# scenario round server req/s cpu-µs-per-request
r=1
while [ $r -le "$ROUNDS" ]; do
	case $((r % 3)) in
	1) order="a b n" ;; 2) order="b n a" ;; 0) order="n a b" ;;
	esac
	for sc in range1m small manyconn; do
		case $sc in
		range1m) c=16; s="$work/range.lua"; p="/Content/AB/$big" ;;
		small) c=64; s="$work/small.lua"; p="/" ;;
		manyconn) c=1000; s=""; p="/Content/AB/$tiny" ;;
		esac
		for srv in $order; do
			case $srv in a) port=$APORT ;; b) port=$BPORT ;; n) port=$NPORT ;; esac
			echo "$sc $r $srv $(run "$srv" "$port" "$c" "$s" "$p")" >>"$work/results"
		done
	done
	r=$((r + 1))
done

echo "## content A/B: A=$A B=$B; $ROUNDS rounds x ${DURATION} s, order rotated; $THREADS server threads, $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) at the end"
echo
echo "| scenario | A req/s median (range) | B req/s median (range) | nginx req/s median (range) | A/nginx median (range) | B/nginx median (range) | B/A of the medians of the ratios |"
echo "|---|---|---|---|---|---|---|"
for sc in range1m small manyconn; do
	awk -v sc="$sc" "$bench_awk_med"'
	function cell(a, n, fmt) {
		m = med(a, n)
		return sprintf(fmt " (" fmt "–" fmt ")", m, a[1], a[n])
	}
	$1 == sc { v[$3, $2] = $4; if ($2 > R) R = $2 }
	END {
		for (r = 1; r <= R; r++) {
			a[r] = v["a", r]; b[r] = v["b", r]; x[r] = v["n", r]
			ra[r] = x[r] > 0 ? a[r] / x[r] : 0
			rb[r] = x[r] > 0 ? b[r] / x[r] : 0
		}
		ca = cell(a, R, "%.0f"); cb = cell(b, R, "%.0f"); cx = cell(x, R, "%.0f")
		cra = cell(ra, R, "%.3f"); mra = med(ra, R)
		crb = cell(rb, R, "%.3f"); mrb = med(rb, R)
		printf "| %s | %s | %s | %s | %s | %s | **%.3f** |\n", sc, ca, cb, cx, cra, crb, (mra > 0 ? mrb / mra : 0)
	}' "$work/results"
done
echo
echo "CPU per request (utime + stime of the server's processes / requests; µs; nginx: its workers):"
echo
echo "| scenario | A µs/request median (range) | B µs/request median (range) | nginx µs/request median (range) | B/A of the medians |"
echo "|---|---|---|---|---|"
for sc in range1m small manyconn; do
	awk -v sc="$sc" "$bench_awk_med"'
	$1 == sc { v[$3, $2] = $5; if ($2 > R) R = $2 }
	END {
		for (r = 1; r <= R; r++) { a[r] = v["a", r]; b[r] = v["b", r]; x[r] = v["n", r] }
		ma = med(a, R); mb = med(b, R); mx = med(x, R)
		printf "| %s | %.1f (%.1f–%.1f) | %.1f (%.1f–%.1f) | %.1f (%.1f–%.1f) | **%.3f** |\n", sc,
		    ma, a[1], a[R], mb, b[1], b[R], mx, x[1], x[R], (ma > 0 ? mb / ma : 0)
	}' "$work/results"
done
