#!/bin/sh
# scan.sh — scan storm: full Windows-client sessions against wsusd, and
# beside it, in the same run, nginx serving the identical answer bytes to
# the same request pattern (the physical limit of this machine).
#
#   1. a synthetic catalog of COUNT (5000) update documents with detectoid
#      prerequisite chains (bench/gen_catalog.c), APPROVED (1000) software
#      updates approved for All Computers;
#   2. `wsus-client load`: CLIENTS simulated machines (own SusClientId and
#      cookie each), CONCURRENCY sessions at a time for DURATION seconds;
#      every session is a full one (GetConfig, GetAuthorizationCookie,
#      GetCookie, RegisterComputer, every SyncUpdates round, the driver
#      pass, GetExtendedUpdateInfo in batches, ReportEventBatch).  Prints
#      completed scans/s, p50/p99 per call, wsusd CPU seconds per scan
#      (/proc/PID/stat) and wsusd peak RSS (VmHWM);
#   3. one session recorded (`wsus-client scan --record`), then replayed
#      with wrk: to wsusd, and to nginx serving the recorded answers as
#      static files (POSTs mapped to /replay/NNNN.xml), same connections;
#   4. the result in Microsoft's unit: WSUS 3.0 SP2 was stated to serve
#      100,000 clients from a 4-core server at 6 client syncs per second.
#
#   COUNT=5000 APPROVED=1000 CLIENTS=2000 CONCURRENCY=16 DURATION=30 bench/scan.sh
set -eu
cd "$(dirname "$0")/.."
. bench/lib.sh
top=$(pwd)
COUNT=${COUNT:-5000}
APPROVED=${APPROVED:-1000}
DETECTOIDS=${DETECTOIDS:-30}
CLIENTS=${CLIENTS:-2000}
CONCURRENCY=${CONCURRENCY:-16}
DURATION=${DURATION:-30}
THREADS=${THREADS:-$(nproc)}
WPORT=${WPORT:-18530}
NPORT=${NPORT:-18580}

tools/deps.sh bench
bench_build build-bench
ctlbin=$top/build-bench/src/cli/wsusctl
client=$top/build-bench/src/client/wsus-client

bench_workdir scan

# ---- catalog and server ---------------------------------------------------
build-bench/bench/gen_catalog "$work/catalog" "$COUNT" 1 "$DETECTOIDS" >/dev/null
bench_conf
ctl="$ctlbin -c $work/wsusd.conf"
$ctl -q postinstall >/dev/null
$ctl -q import-updates "$work/catalog" >/dev/null
bench_approve "$APPROVED"
napproved=$($ctl --json approvals | jq length)

# The simulated machine: Windows 10 22H2, some updates already installed.
bench_machine bench.example

bench_wsusd build-bench/src/daemon/wsusd

# ---- one recorded session (also the warm-up) -----------------------------
$client scan --server "http://127.0.0.1:$WPORT" --machine "$work/machine.ini" \
    --report --record "$work/rec" --json >"$work/scan.json" || {
	cat "$work/scan.json" >&2; cat "$work/wsusd.log" >&2; exit 1; }
needed=$(jq .needed "$work/scan.json")
installed=$(jq .installed "$work/scan.json")
rounds=$(jq .rounds "$work/scan.json")
calls=$(wc -l <"$work/rec/index.tsv")

# ---- the storm --------------------------------------------------------------
$client load --server "http://127.0.0.1:$WPORT" --machine "$work/machine.ini" \
    --clients "$CLIENTS" --concurrency "$CONCURRENCY" --duration "$DURATION" \
    --server-pid "$wpid" --json >"$work/load.json" || {
	jq -r '.errors[]' "$work/load.json" >&2 || true; }

# ---- replay: wsusd and nginx, identical request pattern ----------------------
BENCH_UA="Windows-Update-Agent/1507.2601.30012.0 Client-Protocol/2.90" \
    bench_replay_setup raw
bench_nginx replay "$NPORT"
sleep 0.3
# the same answer bytes from both before measuring anything (GetConfig
# is the same for every client)
for p in "$WPORT/ClientWebService/client.asmx" "$NPORT/replay/0001.xml"; do
	curl -fsS -X POST -H 'Content-Type: text/xml; charset=utf-8' \
	    -H 'SOAPAction: "http://www.microsoft.com/SoftwareDistribution/Server/ClientWebService/GetConfig"' \
	    --data-binary @"$work/rec/0001-GetConfig.request.xml" "http://127.0.0.1:$p" | sha1sum
done | uniq | wc -l | grep -qx 1 || { echo "scan.sh: wsusd and nginx answer differently" >&2; exit 1; }
wthreads=$CONCURRENCY
[ "$wthreads" -gt 4 ] && wthreads=4
cpu0=$(bench_ticks "$wpid")
set -- $(bench_replay wsusd "$WPORT" "$wthreads" "$CONCURRENCY"); w_rps=$1; w_bad=$2
cpu1=$(bench_ticks "$wpid")
set -- $(bench_replay nginx "$NPORT" "$wthreads" "$CONCURRENCY"); n_rps=$1; n_bad=$2
hz=$(getconf CLK_TCK)
hwm=$(awk '/^VmHWM:/ {print $2}' /proc/"$wpid"/status)

# ---- report -------------------------------------------------------------------
L=$work/load.json
echo "## scan storm: $COUNT documents ($DETECTOIDS detectoids), $napproved approved; $(nproc) cores, wsusd $THREADS threads"
echo
echo "One session of the simulated machine: $calls SOAP calls, $rounds software rounds,"
echo "$needed updates needed, $installed installed."
echo
jq -r '"wsus-client load: \(.clients) clients, \(.concurrency) at a time, \(.seconds|floor) s: \(.sessions) full scans completed = \(.sessions_per_second*10|floor/10) scans/s, \(.failed) failed"' "$L"
jq -r '.server_process | "wsusd: \(.cpu_ms_per_session*100|floor/100) ms CPU per scan, peak RSS (VmHWM) \(.vmhwm_kb/1024*10|floor/10) MB"' "$L"
jq -r '"wsus-client itself: \(.client_cpu_seconds*100|floor/100) s CPU (shares the machine)"' "$L"
echo
echo "| call | calls | calls/s | p50 ms | p99 ms |"
echo "|---|---|---|---|---|"
jq -r '.operations | to_entries[] | "| \(.key) | \(.value.calls) | \(.value.per_second*10|floor/10) | \(.value.p50_ms*100|floor/100) | \(.value.p99_ms*100|floor/100) |"' "$L"
echo
awk -v w="$w_rps" -v n="$n_rps" -v c="$calls" -v wb="$w_bad" -v nb="$n_bad" \
    -v cpu0="$cpu0" -v cpu1="$cpu1" -v hz="$hz" -v d="$DURATION" 'BEGIN {
	printf "Replay of the recorded session (%d calls) with wrk, same connections:\n", c
	printf "| server | requests/s | sessions/s | non-200 |\n|---|---|---|---|\n"
	printf "| wsusd | %.0f | %.1f | %s |\n", w, w / c, wb
	printf "| nginx, identical answer bytes as static files | %.0f | %.1f | %s |\n", n, n / c, nb
	printf "wsusd/nginx = %.3f; wsusd CPU during the replay: %.2f ms per session\n",
	    (n > 0 ? w / n : 0), (w > 0 ? 1000 * (cpu1 - cpu0) / hz / (w / c * d) : 0)
}'
echo
jq -r --arg hwm "$hwm" '.sessions_per_second as $r |
  "In Microsoft'"'"'s unit (WSUS 3.0 SP2: 100,000 clients on a 4-core server at 6 client syncs/s):",
  "\($r*10|floor/10) full scans/s on this machine = \($r*79200|floor) clients at a 22 h detection interval",
  "(\($r/6*100|floor/100) x the 6 syncs/s of the stated figure; per core: \($r/'"$(nproc)"'*10|floor/10) scans/s vs 1.5)."' "$L"
