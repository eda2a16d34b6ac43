#!/bin/sh
# downstreams.sh — twenty downstream servers syncing at once: full
# MS-WSUSSS metadata sessions against a wsusd upstream, and beside it, in
# the same run, nginx serving the identical answer bytes to the same
# request pattern.
#
#   1. a synthetic catalog of COUNT (20000) update documents
#      (bench/gen_catalog.c) imported into the upstream;
#   2. one downstream session recorded (`wsusctl sync --bench 1 --record`):
#      GetAuthConfig, GetAuthorizationCookie, GetCookie, GetConfigData,
#      GetRevisionIdList (categories), GetUpdateData batches,
#      GetRevisionIdList (updates), GetUpdateData batches;
#   3. `wsusctl sync --bench SESSIONS` (20): that many full sessions at
#      once, each fetching every revision (load mode: nothing is imported
#      downstream), ROUNDS times; revisions/s served, upstream CPU
#      seconds (/proc/PID/stat) and peak RSS (VmHWM);
#   4. the recorded session replayed with wrk over SESSIONS connections
#      to wsusd and to nginx serving the recorded answers as static files
#      (POSTs mapped to /replay/NNN.xml): the ratio.
#
#   COUNT=20000 SESSIONS=20 ROUNDS=1 DURATION=20 PROTOCOL=1.20 bench/downstreams.sh
set -eu
cd "$(dirname "$0")/.."
. bench/lib.sh
top=$(pwd)
COUNT=${COUNT:-20000}
SESSIONS=${SESSIONS:-20}
ROUNDS=${ROUNDS:-1}
DURATION=${DURATION:-20}
PROTOCOL=${PROTOCOL:-1.20}
THREADS=${THREADS:-$(nproc)}
WPORT=${WPORT:-18730}
NPORT=${NPORT:-18780}
BUILD=${BUILD:-build-bench}

tools/deps.sh bench
bench_build "$BUILD"
ctlbin=$top/$BUILD/src/cli/wsusctl

bench_workdir dss

# ---- catalog and upstream ----------------------------------------------------
bench_upstream "$BUILD" "$COUNT" 1
url=http://127.0.0.1:$WPORT

# ---- one recorded session (also the warm-up) ---------------------------------
mkdir -p "$work/rec"
$ctlbin sync --upstream "$url" --protocol "$PROTOCOL" --bench 1 --record "$work/rec" \
    --json >"$work/one.json" || { cat "$work/one.json" "$work/wsusd.log" >&2; exit 1; }
docs1=$(jq .documents "$work/one.json")
calls=$(wc -l <"$work/rec/index.tsv")
bytes1=$(cat "$work"/rec/*.response.xml | wc -c)

# ---- SESSIONS downstreams at once --------------------------------------------
hz=$(getconf CLK_TCK)
cpu0=$(bench_ticks "$wpid")
t0=$(date +%s.%N)
docs=0; wall=0; failed=0
r=0
while [ $r -lt "$ROUNDS" ]; do
	/usr/bin/time -f "%U %S" -a -o "$work/client.cpu" \
	    $ctlbin sync --upstream "$url" --protocol "$PROTOCOL" --bench "$SESSIONS" \
	    --json >"$work/load.json" || true
	docs=$((docs + $(jq .documents "$work/load.json")))
	failed=$((failed + $(jq .failed "$work/load.json")))
	r=$((r + 1))
done
t1=$(date +%s.%N)
cpu1=$(bench_ticks "$wpid")
hwm=$(awk '/^VmHWM:/ {print $2}' /proc/"$wpid"/status)

# ---- replay: wsusd and nginx, identical request pattern ----------------------
bench_replay_setup xml
bench_nginx replay "$NPORT"
sleep 0.3
wthreads=$SESSIONS
[ "$wthreads" -gt 4 ] && wthreads=4
rc0=$(bench_ticks "$wpid")
set -- $(bench_replay wsusd "$WPORT" "$wthreads" "$SESSIONS"); w_rps=$1; w_bad=$2
rc1=$(bench_ticks "$wpid")
set -- $(bench_replay nginx "$NPORT" "$wthreads" "$SESSIONS"); n_rps=$1; n_bad=$2

# ---- report -------------------------------------------------------------------
echo "## downstream sync: $COUNT generated documents ($docs1 revisions served per session), $SESSIONS downstream sessions at once, protocol $PROTOCOL; $(nproc) cores, wsusd $THREADS threads"
echo
echo "One full downstream session: $calls SOAP calls, $docs1 documents fetched, $(awk -v b="$bytes1" 'BEGIN {printf "%.1f", b/1e6}') MB of answers."
echo
awk -v docs="$docs" -v t0="$t0" -v t1="$t1" -v cpu0="$cpu0" -v cpu1="$cpu1" \
    -v hz="$hz" -v hwm="$hwm" -v s="$SESSIONS" -v r="$ROUNDS" -v f="$failed" 'BEGIN {
	w = t1 - t0
	printf "%d x %d full sessions (%d failed): %d revisions served in %.2f s = %.0f revisions/s\n", r, s, f, docs, w, (w > 0 ? docs / w : 0)
	printf "upstream wsusd: %.2f CPU seconds (%.1f us per revision), peak RSS (VmHWM) %.1f MB\n", (cpu1 - cpu0) / hz, (docs > 0 ? 1e6 * (cpu1 - cpu0) / hz / docs : 0), hwm / 1024
}'
awk '{ c += $1 + $2 } END { printf "the %s downstream sessions themselves (wsusctl, same machine): %.2f CPU seconds\n", "'"$SESSIONS"'", c }' "$work/client.cpu"
echo
awk -v w="$w_rps" -v n="$n_rps" -v c="$calls" -v d1="$docs1" -v wb="$w_bad" -v nb="$n_bad" \
    -v cpu0="$rc0" -v cpu1="$rc1" -v hz="$hz" -v d="$DURATION" 'BEGIN {
	printf "Replay of the recorded session (%d calls) with wrk, same connections:\n", c
	printf "| server | requests/s | revisions/s | non-200 |\n|---|---|---|---|\n"
	printf "| wsusd | %.1f | %.0f | %s |\n", w, w / c * d1, wb
	printf "| nginx, identical answer bytes as static files | %.1f | %.0f | %s |\n", n, n / c * d1, nb
	printf "wsusd/nginx = %.3f; wsusd CPU during the replay: %.2f s\n",
	    (n > 0 ? w / n : 0), (cpu1 - cpu0) / hz
}'
