#!/bin/sh
# computers.sh — memory of wsusd with many registered computers and their
# update status.  A synthetic catalog of COUNT (5000) documents with
# APPROVED (1000) approved updates; then `wsus-client load
# --register-only` registers COMPUTERS (100,000) simulated machines: one
# full scan first gives the lists of needed and installed updates, then
# every computer makes the handshake with RegisterComputer and reports
# its status (events 147 and 156 with U=/V= lists; each computer gets its
# own split of those updates into needed and installed).  Prints the
# registration rate, wsusd's RSS and peak RSS (target: under 256 MB), the
# database size, and how long the compliance report over all computers
# takes.
#
#   COMPUTERS=100000 CONCURRENCY=8 bench/computers.sh
set -eu
cd "$(dirname "$0")/.."
. bench/lib.sh
top=$(pwd)
COUNT=${COUNT:-5000}
APPROVED=${APPROVED:-1000}
COMPUTERS=${COMPUTERS:-100000}
CONCURRENCY=${CONCURRENCY:-8}
THREADS=${THREADS:-$(nproc)}
WPORT=${WPORT:-18530}

tools/deps.sh bench
bench_build build-bench
client=$top/build-bench/src/client/wsus-client

bench_workdir computers

build-bench/bench/gen_catalog "$work/catalog" "$COUNT" 1 30 >/dev/null
bench_conf
ctl="build-bench/src/cli/wsusctl -c $work/wsusd.conf"
$ctl -q postinstall >/dev/null
$ctl -q import-updates "$work/catalog" >/dev/null
bench_approve "$APPROVED"
bench_machine

bench_wsusd build-bench/src/daemon/wsusd
rss0=$(awk '/^VmRSS:/ {print $2}' /proc/"$wpid"/status)
db0=$(stat -c %s "$work/wsusd.db")

$client load --server "http://127.0.0.1:$WPORT" --machine "$work/machine.ini" \
    --clients "$COMPUTERS" --concurrency "$CONCURRENCY" --register-only \
    --server-pid "$wpid" --json >"$work/load.json" || {
	jq -r '.errors[]' "$work/load.json" >&2 || true; }
sleep 1
rss=$(awk '/^VmRSS:/ {print $2}' /proc/"$wpid"/status)
hwm=$(awk '/^VmHWM:/ {print $2}' /proc/"$wpid"/status)
dbbytes=$(stat -c %s "$work/wsusd.db")
walbytes=$(stat -c %s "$work/wsusd.db-wal" 2>/dev/null || echo 0)
ncomp=$($ctl --json computers list | jq length)
t0=$(date +%s.%N)
$ctl report compliance >"$work/compliance.txt"
t1=$(date +%s.%N)

L=$work/load.json
echo "## $COMPUTERS computers with status: $COUNT documents, $(jq '.operations.scan.calls' "$L" >/dev/null; $ctl --json approvals | jq length) approved; $(nproc) cores"
echo
jq -r '"registered: \(.sessions + 1) computers in \(.seconds*10|floor/10) s = \(.sessions_per_second|floor)/s (handshake + RegisterComputer + 147/156 report each), \(.failed) failed"' "$L"
jq -r '"per computer: \(.operations.ReportEventBatch.calls / (.sessions + 1) * 100 | floor / 100) ReportEventBatch; p99 RegisterComputer \(.operations.RegisterComputer.p99_ms*100|floor/100) ms, p99 ReportEventBatch \(.operations.ReportEventBatch.p99_ms*100|floor/100) ms"' "$L"
awk -v r0="$rss0" -v r="$rss" -v h="$hwm" -v db="$dbbytes" -v db0="$db0" -v wal="$walbytes" -v n="$ncomp" \
    -v t0="$t0" -v t1="$t1" 'BEGIN {
	printf "wsusd RSS: %.1f MB at start, %.1f MB with %d computers; peak (VmHWM) %.1f MB (target < 256 MB: %s)\n",
	    r0 / 1024, r / 1024, n, h / 1024, (h < 256 * 1024 ? "met" : "NOT met")
	printf "database file: %.0f MB (%.0f MB before the computers), write-ahead log %.0f MB;\n",
	    db / 1048576, db0 / 1048576, wal / 1048576
	printf "wsusctl report compliance over all computers: %.2f s\n", t1 - t0
}'
