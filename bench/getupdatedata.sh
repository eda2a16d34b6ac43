#!/bin/sh
# getupdatedata.sh — the upstream's GetUpdateData answer against static
# bytes: one GetUpdateData request for 100 revisions and one for 1,000,
# each replayed with wrk to wsusd and, in the same run, to nginx serving
# the identical answer bytes as a static file.
#
#   1. a synthetic catalog of COUNT (2000) update documents
#      (bench/gen_catalog.c) imported into the upstream;
#      MaxNumberOfUpdatesPerRequest (setting upstream_batch) 1000;
#   2. one downstream session recorded (`wsusctl sync --bench 1
#      --record`): its first GetUpdateData batch of 100 software updates
#      is the 100-revision request; the UpdateIdentity elements of the
#      first ten such batches make the 1,000-revision request (same
#      session cookie);
#   3. each request sent once with curl (the warm-up; its answer is the
#      file nginx serves), then replayed for DURATION seconds with wrk
#      over CONNECTIONS (20) keep-alive connections to wsusd and to nginx
#      (the POST mapped to /replay/N.xml): requests/s and the ratio.
#
#   COUNT=2000 CONNECTIONS=20 DURATION=15 PROTOCOL=1.20 bench/getupdatedata.sh
#
# BUILD (default build-bench) may be another tree's build directory
# (absolute path) to measure an older commit with the same script.
#
# BUILT=1 adds rows where every wsusd answer is built: each request
# names another Host (h<thread>-<count>.invalid), so the content base of
# the fileUrls differs and wsusd's finished-answer cache never hits (its
# item cache still does) — the cost of a batch asked once, as by a
# single downstream, against the same static file.
#
# BEFORE=/abs/other-tree/build-bench adds a before/after comparison in
# the same run: that build's wsusd is started on the same store (port
# WPORT+1), must give byte-identical answers to both requests, and
# ROUNDS (3) rounds replay before, after (BUILD) and nginx in a rotated
# order; medians and ranges of requests/s, CPU per answer and the ratios.
set -eu
cd "$(dirname "$0")/.."
. bench/lib.sh
top=$(pwd)
COUNT=${COUNT:-2000}
CONNECTIONS=${CONNECTIONS:-20}
DURATION=${DURATION:-15}
PROTOCOL=${PROTOCOL:-1.20}
THREADS=${THREADS:-$(nproc)}
WPORT=${WPORT:-18830}
NPORT=${NPORT:-18880}
BUILD=${BUILD:-build-bench}

tools/deps.sh bench
case $BUILD in
/*) ;;
*) BUILD=$top/$BUILD ;;
esac
bench_build "$BUILD"
ctlbin=$BUILD/src/cli/wsusctl

bench_workdir gud

# ---- catalog and upstream ----------------------------------------------------
bench_upstream "$BUILD" "$COUNT" 1
url=http://127.0.0.1:$WPORT

# ---- one recorded session: the requests --------------------------------------
mkdir -p "$work/rec" "$work/replay"
$ctlbin sync --upstream "$url" --protocol "$PROTOCOL" --bench 1 --record "$work/rec" \
    --json >"$work/one.json" || { cat "$work/one.json" "$work/wsusd.log" >&2; exit 1; }
# batches of 100 software updates (the category batches come first and
# are shorter), in the order sent
ident='<UpdateIdentity><UpdateID>[^<]*</UpdateID><RevisionNumber>[^<]*</RevisionNumber></UpdateIdentity>'
batches=$(awk -F '\t' '$2 == "GetUpdateData" {print $1}' "$work/rec/index.tsv" | while read -r n; do
	f=$work/rec/$n-GetUpdateData.request.xml
	[ "$(grep -o "$ident" "$f" | wc -l)" -eq 100 ] && echo "$f"
done | tail -n 10)
[ "$(echo "$batches" | wc -l)" -eq 10 ] || { echo "fewer than 10 batches of 100 (COUNT too small?)" >&2; exit 1; }
first=$(echo "$batches" | head -n 1)
cp "$first" "$work/req-100.xml"
# the same envelope with the identities of the ten batches
for f in $batches; do grep -o "$ident" "$f"; done | tr -d '\n' >"$work/ids-1000"
awk -v ids="$(cat "$work/ids-1000")" '{
	s = index($0, "<updateIds>"); e = index($0, "</updateIds>")
	printf "%s<updateIds>%s%s", substr($0, 1, s - 1), ids, substr($0, e)
}' "$first" >"$work/req-1000.xml"
sqlite3 "$work/wsusd.db" \
    "INSERT OR REPLACE INTO settings(key, value) VALUES('upstream_batch', '1000');"

action='"http://www.microsoft.com/SoftwareDistribution/GetUpdateData"'
path=/ServerSyncWebService/ServerSyncWebService.asmx
for n in 100 1000; do
	code=$(curl -s -o "$work/replay/$n.xml" -w '%{http_code}' -X POST \
	    -H 'Content-Type: text/xml; charset=utf-8' -H "SOAPAction: $action" \
	    --data-binary @"$work/req-$n.xml" "$url$path")
	items=$(grep -o '<ServerSyncUpdateData>' "$work/replay/$n.xml" | wc -l)
	[ "$code" = 200 ] && [ "$items" -eq "$n" ] ||
	    { echo "GetUpdateData for $n: HTTP $code, $items items" >&2; head -c 600 "$work/replay/$n.xml" >&2; exit 1; }
done

# ---- replay: wsusd and nginx, identical request --------------------------------
cat >"$work/replay.lua" <<LUA
-- one recorded GetUpdateData request on every connection; BUILT=1:
-- another Host on every request (no finished answer to reuse)
local target = os.getenv("TARGET")
local n = os.getenv("N")
local built = os.getenv("BUILT") == "1"
local req, body, path
local seq, nthreads = 0, 0
function setup(thread)
	nthreads = nthreads + 1
	thread:set("tid", nthreads)
end
function init(args)
	local f = assert(io.open("$work/req-" .. n .. ".xml", "rb"))
	body = f:read("*a")
	f:close()
	path = "$path"
	if target == "nginx" then path = "/replay/" .. n .. ".xml" end
	req = wrk.format("POST", path, {
		["Host"] = wrk.headers["Host"],
		["Content-Type"] = "text/xml; charset=utf-8",
		["SOAPAction"] = '$action',
	}, body)
end
request = function()
	if not built then return req end
	seq = seq + 1
	return wrk.format("POST", path, {
		["Host"] = "h" .. tostring(tid) .. "-" .. seq .. ".invalid",
		["Content-Type"] = "text/xml; charset=utf-8",
		["SOAPAction"] = '$action',
	}, body)
end
done = function(summary, latency, requests)
	io.write(string.format("non200 %d\n", summary.errors.status))
end
LUA
# the 1,000-revision request is larger than nginx's default body limit
bench_nginx replay "$NPORT" "client_max_body_size 16m;"
sleep 0.3
wthreads=$CONNECTIONS
[ "$wthreads" -gt 2 ] && wthreads=2
replay() {	# TARGET N PORT -> "req/s non200"; wrk's output in wrk-TARGET-N.out
	N=$2 BUILT=${REPLAY_BUILT:-0}
	export N BUILT
	bench_replay "$1" "$3" "$wthreads" "$CONNECTIONS" "$1-$2"
}
hz=$(getconf CLK_TCK)
echo "## GetUpdateData replay: $COUNT generated documents, protocol $PROTOCOL, $CONNECTIONS connections, ${DURATION} s each; $(nproc) cores, wsusd $THREADS threads; $(git -C "$top" rev-parse --short HEAD 2>/dev/null || echo '?') script, build $BUILD"
echo
echo "| revisions per request | answer bytes | wsusd requests/s | wsusd CPU s | nginx requests/s | wsusd/nginx | non-200 (wsusd, nginx) |"
echo "|---|---|---|---|---|---|---|"
for n in 100 1000; do
	c0=$(bench_ticks "$wpid")
	set -- $(replay wsusd "$n" "$WPORT"); w_rps=$1; w_bad=$2
	c1=$(bench_ticks "$wpid")
	set -- $(replay nginx "$n" "$NPORT"); n_rps=$1; n_bad=$2
	awk -v n="$n" -v b="$(wc -c <"$work/replay/$n.xml")" -v w="$w_rps" -v x="$n_rps" \
	    -v c="$(( c1 - c0 ))" -v hz="$hz" -v wb="$w_bad" -v nb="$n_bad" 'BEGIN {
		printf "| %d | %d | %.1f | %.1f | %.1f | **%.3f** | %s, %s |\n",
		    n, b, w, c / hz, x, (x > 0 ? w / x : 0), wb, nb
	}'
	echo "$n_rps" >"$work/nginx-rps-$n"
done
if [ "${BUILT:-0}" = 1 ]; then
	# the same nginx figure; wsusd builds every answer
	for n in 100 1000; do
		c0=$(bench_ticks "$wpid")
		set -- $(REPLAY_BUILT=1 replay wsusd "$n" "$WPORT"); w_rps=$1; w_bad=$2
		c1=$(bench_ticks "$wpid")
		reqs=$(awk '/requests in/ {print $1}' "$work/wrk-wsusd-$n.out")
		awk -v n="$n" -v b="$(wc -c <"$work/replay/$n.xml")" -v w="$w_rps" \
		    -v x="$(cat "$work/nginx-rps-$n")" -v c="$(( c1 - c0 ))" -v hz="$hz" \
		    -v wb="$w_bad" -v q="$reqs" 'BEGIN {
			printf "| %d, each answer built | %d | %.1f | %.1f | %.1f | **%.3f** | %s, - |\n",
			    n, b, w, c / hz, x, (x > 0 ? w / x : 0), wb
			printf "%d revisions, each answer built: %.0f µs wsusd CPU per answer\n",
			    n, (q > 0 ? c / hz * 1e6 / q : 0) >> "'"$work/built-cpu"'"
		}'
	done
	echo
	cat "$work/built-cpu"
fi
echo
echo "wsusd peak RSS (VmHWM): $(awk '/^VmHWM:/ {printf "%.1f MB", $2 / 1024}' /proc/"$wpid"/status)"

[ -n "${BEFORE:-}" ] || exit 0
# ---- before/after in one run ------------------------------------------------------
ROUNDS=${ROUNDS:-3}
BPORT=$((WPORT + 1))
mkdir -p "$work/before"
[ -d "$work/tls" ] && cp -r "$work/tls" "$work/before/"
sed -e "s|^port = $WPORT|port = $BPORT|" -e "s|^state_dir = .*|state_dir = $work/before|" \
    "$work/wsusd.conf" >"$work/before/wsusd.conf"
# bench_cleanup stops it too (its pid file is $work/before/wsusd.pid)
apid=$wpid
bench_wsusd "$BEFORE/src/daemon/wsusd" "$work/before"
bpid=$wpid
wpid=$apid
for n in 100 1000; do
	curl -s -o "$work/before-$n.xml" -X POST -H 'Content-Type: text/xml; charset=utf-8' \
	    -H "SOAPAction: $action" --data-binary @"$work/req-$n.xml" "http://127.0.0.1:$BPORT$path"
	# the same bytes but for the port in the fileUrls (from Host)
	sed "s|127.0.0.1:$BPORT/|127.0.0.1:$WPORT/|g" "$work/before-$n.xml" | cmp -s - "$work/replay/$n.xml" ||
	    { echo "before and after answer $n differently" >&2; exit 1; }
done
ticks() {	# utime + stime of pid, or of nginx's workers for "n"
	case $1 in
	n) bench_nginx_ticks ;;
	*) bench_ticks "$1" ;;
	esac
}
: >"$work/ab"	# n round server req/s µs-per-answer
r=1
while [ "$r" -le "$ROUNDS" ]; do
	case $((r % 3)) in 1) order="b a n" ;; 2) order="a n b" ;; 0) order="n b a" ;; esac
	for n in 100 1000; do
		for srv in $order; do
			case $srv in
			a) pid=$wpid; port=$WPORT; tgt=wsusd ;;
			b) pid=$bpid; port=$BPORT; tgt=wsusd ;;
			n) pid=n; port=$NPORT; tgt=nginx ;;
			esac
			t0=$(ticks "$pid")
			set -- $(replay "$tgt" "$n" "$port")
			t1=$(ticks "$pid")
			[ "$2" = 0 ] || { echo "$srv: $2 non-200 answers" >&2; exit 1; }
			reqs=$(awk '/requests in/ {print $1}' "$work/wrk-$tgt-$n.out")
			echo "$n $r $srv $1 $(awk -v t="$((t1 - t0))" -v hz="$hz" -v q="$reqs" 'BEGIN {printf "%.0f", (q > 0 ? t / hz * 1e6 / q : 0)}')" >>"$work/ab"
		done
	done
	r=$((r + 1))
done
echo
echo "### before ($BEFORE) and after ($BUILD), $ROUNDS rounds, order rotated; byte-identical answers checked; load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| revisions | before req/s | after req/s | nginx req/s | before/nginx | after/nginx | before µs CPU/answer | after µs CPU/answer |"
echo "|---|---|---|---|---|---|---|---|"
for n in 100 1000; do
	awk -v n="$n" "$bench_awk_med"'
	function cell(a, k, f) { m = med(a, k); return sprintf(f " (" f "–" f ")", m, a[1], a[k]) }
	$1 == n { v[$3, $2] = $4; c[$3, $2] = $5; if ($2 > R) R = $2 }
	END {
		for (r = 1; r <= R; r++) {
			a[r] = v["a", r]; b[r] = v["b", r]; x[r] = v["n", r]
			qa[r] = a[r] / x[r]; qb[r] = b[r] / x[r]; ca[r] = c["a", r]; cb[r] = c["b", r]
		}
		printf "| %d | %s | %s | %s | **%s** | **%s** | %s | %s |\n", n, cell(b, R, "%.0f"),
		    cell(a, R, "%.0f"), cell(x, R, "%.0f"), cell(qb, R, "%.3f"), cell(qa, R, "%.3f"),
		    cell(cb, R, "%.0f"), cell(ca, R, "%.0f")
	}' "$work/ab"
done

