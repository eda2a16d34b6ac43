#!/bin/sh
# hierarchy-content.sh — REPLICAS (20) replica wsusd processes syncing
# from one upstream wsusd at once, through the sync service (`wsusctl sync
# configure --replica`, `wsusctl sync now`), against nginx and curl moving
# the same bytes in the same run.
#
#   1. the upstream: a synthetic catalog of COUNT (20000) documents whose
#      first FILES (400) software updates each have one generated file
#      (bench/gen_catalog with GEN_CONTENT), CONTENT_MB (2048) MiB of
#      content in all, written straight into the upstream's content
#      directory; the other updates have no file;
#   2. metadata: every replica configured with `--content none` and
#      `sync now` in all of them at once: wall time, upstream CPU;
#      each replica's database is then kept aside (sqlite3 .backup);
#   3. ROUNDS (2) rounds of, in alternating order:
#      wsusd   every replica's database restored, content directory
#              emptied, `sync configure --content all`, `sync now` in all
#              at once: the content phase (each replica downloads, checks
#              SHA-1 and SHA-256 and publishes every file); wall time,
#              upstream CPU, bytes; each replica's history must say every
#              file and every byte arrived;
#      nginx   nginx (THREADS workers, sendfile) serving the same content
#              directory, REPLICAS curl processes each fetching every file
#              over one keep-alive connection into its own directory;
#              wall time, nginx CPU, bytes;
#      and the ratio (nginx+curl wall time) / (wsusd wall time).
#   Published files and curl's copies are deleted about once a second
#   while the rounds run, so REPLICAS copies of the content are never kept
#   (RAM and disk hold at most a few seconds' worth).
#
#   REPLICAS=20 COUNT=20000 FILES=400 CONTENT_MB=2048 ROUNDS=2 bench/hierarchy-content.sh
#
# PEERS (default "wsusd nginx verify") names the peers each round runs:
# PEERS=wsusd REPLICAS=1 measures one replica's CPU per GB alone (the
# "replicas CPU s" column), nothing else competing for the cores.
#
# Everything lives in a directory below BENCH_TMP (default /dev/shm, a
# tmpfs: the upstream's content, 21 databases kept twice, a few seconds
# of the replicas' downloads; about 3 GB of RAM at the defaults).  On a
# tmpfs fsync() costs nothing, so the figures leave out the disk: the
# replicas fsync every file and directory they publish, which on a disk
# shared with other work takes tens of milliseconds each.
#
# Loopback only.  Needs sqlite3, nginx, curl, jq (tools/deps.sh bench).
set -eu
cd "$(dirname "$0")/.."
. bench/lib.sh
top=$(pwd)
REPLICAS=${REPLICAS:-20}
COUNT=${COUNT:-20000}
CONTENT_MB=${CONTENT_MB:-2048}
FILES=${FILES:-400}
BENCH_TMP=${BENCH_TMP:-/dev/shm}
ROUNDS=${ROUNDS:-2}
THREADS=${THREADS:-$(nproc)}
WPORT=${WPORT:-19030}
NPORT=${NPORT:-19080}
RBASE=${RBASE:-19100}
BUILD=${BUILD:-build-bench}

tools/deps.sh bench
case $BUILD in /*) ;; *) BUILD=$top/$BUILD ;; esac
bench_build "$BUILD"
wsusd=$BUILD/src/daemon/wsusd
ctlbin=$BUILD/src/cli/wsusctl

# bench_cleanup stops the upstream, the replicas (r*/wsusd.pid), nginx
# and the reaper (reaper.pid)
bench_workdir hc "$BENCH_TMP"
ulimit -n 8192 2>/dev/null || true
now() { date +%s.%N; }
hz=$(getconf CLK_TCK)

# ---- upstream: catalog and content --------------------------------------------
fbytes=$((CONTENT_MB * 1048576 / FILES))
t0=$(now)
# gen_catalog writes the content too
GEN_CONTENT=$work/content GEN_CONTENT_FILES=$FILES GEN_FILE_BYTES=$fbytes
export GEN_CONTENT GEN_CONTENT_FILES GEN_FILE_BYTES
bench_upstream "$BUILD" "$COUNT" 1
unset GEN_CONTENT GEN_CONTENT_FILES GEN_FILE_BYTES
upid=$wpid
rm -rf "$work/catalog"
nfiles=$(find "$work/content" -type f | wc -l)
total=$(find "$work/content" -type f -printf '%s\n' | awk '{s += $1} END {printf "%.0f", s}')
url=http://127.0.0.1:$WPORT
echo "upstream: $COUNT documents, $nfiles files of $fbytes bytes ($total bytes), ready in $(awk -v a="$t0" -v b="$(now)" 'BEGIN {printf "%.0f", b - a}') s" >&2

# ---- replicas -----------------------------------------------------------------
i=1
while [ "$i" -le "$REPLICAS" ]; do
	r=$work/r$i
	mkdir -p "$r/content"
	bench_conf "$r" $((RBASE + i))
	"$ctlbin" -c "$r/wsusd.conf" -q postinstall >/dev/null
	"$ctlbin" -c "$r/wsusd.conf" -q sync configure --upstream "$url" --replica \
	    --content none --name "replica$i.bench.invalid" >/dev/null
	i=$((i + 1))
done
start_replicas() {
	for r in "$work"/r*/; do
		bench_wsusd "$wsusd" "${r%/}"
	done
}
stop_replicas() {
	for r in "$work"/r*/; do
		kill "$(cat "$r/wsusd.pid")" 2>/dev/null || true
	done
	for r in "$work"/r*/; do
		while kill -0 "$(cat "$r/wsusd.pid")" 2>/dev/null; do sleep 0.1; done
		rm -f "$r/wsusd.pid"
	done
}
sync_all() {	# every replica's `sync now` at once; fails if one fails
	for r in "$work"/r*/; do
		"$ctlbin" -c "$r/wsusd.conf" sync now --json >"$r/now.json" 2>&1 &
		echo $! >"$r/now.pid"
	done
	bad=0
	for r in "$work"/r*/; do
		# gone: bench_cleanup must not signal the number again
		wait "$(cat "$r/now.pid")" && { rm -f "$r/now.pid"; continue; }
		rm -f "$r/now.pid"
		# a run whose only failure is the rollup at its end (after
		# metadata and content) counts, and is reported
		if tail -n 1 "$r/now.json" | jq -e '.error | startswith("RollupDownstreamServers")' >/dev/null 2>&1; then
			echo "$r" >>"$work/rollup-failed"
			continue
		fi
		bad=1
		echo "sync failed: $r" >&2
		tail -n 3 "$r/now.json" "$r/wsusd.log" >&2
	done
	return $bad
}

start_replicas
c0=$(bench_ticks "$upid"); t0=$(now)
sync_all
t1=$(now); c1=$(bench_ticks "$upid")
meta_wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.1f", b - a}')
meta_cpu=$(awk -v c="$((c1 - c0))" -v hz="$hz" 'BEGIN {printf "%.1f", c / hz}')
for r in "$work"/r*/; do
	revs=$(tail -n 1 "$r/now.json" | jq -r .done)	# the revisions the run went through (new_updates counts updates only: 20,000 less the 22 categories gen_catalog writes = 19,978)
	[ "$revs" = "$COUNT" ] || { echo "$r stored $revs revisions, want $COUNT" >&2; exit 1; }
done
meta_rollup=$(cat "$work/rollup-failed" 2>/dev/null | wc -l)
: >"$work/rollup-failed"
echo "metadata: $REPLICAS replicas in $meta_wall s, upstream CPU $meta_cpu s, each stored $COUNT revisions" >&2
stop_replicas
for r in "$work"/r*/; do
	sqlite3 "$r/wsusd.db" ".backup $r/meta.db"
	"$ctlbin" -c "$r/wsusd.conf" -q sync configure --content all >/dev/null
	sqlite3 "$r/wsusd.db" ".backup $r/meta-all.db"
done

# ---- nginx --------------------------------------------------------------------
bench_nginx content "$NPORT"
(cd "$work/content" && find . -type f | sed 's|^\./||') >"$work/files"
i=1
while [ "$i" -le "$REPLICAS" ]; do
	mkdir -p "$work/fetch/$i"
	awk -v p="$NPORT" -v d="$work/fetch/$i" '{
		f = $0; gsub("/", "_", f)
		printf "url = \"http://127.0.0.1:%s/Content/%s\"\noutput = \"%s/%s\"\n", p, $0, d, f
	}' "$work/files" >"$work/f$i.cfg"
	i=$((i + 1))
done
i=1
while [ "$i" -le "$REPLICAS" ]; do
	awk -v p="$NPORT" '{printf "url = \"http://127.0.0.1:%s/Content/%s\"\n", p, $0}' \
	    "$work/files" >"$work/v$i.cfg"
	i=$((i + 1))
done
cat >"$work/verify.sh" <<'SH'
# verify.sh CFG OUT: fetch CFG's URLs as one stream through sha1sum and
# sha256sum; bytes per file into OUT.got
rm -f "$2.fifo" && mkfifo "$2.fifo"
sha1sum <"$2.fifo" >/dev/null &
curl -s -f -K "$1" -w '%{stderr}%{size_download}\n' 2>"$2.got" | tee "$2.fifo" | sha256sum >/dev/null
rc=$?
wait
exit $rc
SH

# ---- the reaper: published files and curl's copies go --------------------------
(
	while :; do
		find "$work"/r*/content -path '*/.partial' -prune -o -type f -print0 2>/dev/null |
		    xargs -0 -r rm -f
		find "$work"/fetch -type f -print0 2>/dev/null | xargs -0 -r rm -f
		sleep 1
	done
) &
echo $! >"$work/reaper.pid"

round_wsusd() {	# -> "wall cpu bytes"
	for r in "$work"/r*/; do
		cp "$r/meta-all.db" "$r/wsusd.db"
		rm -f "$r/wsusd.db-wal" "$r/wsusd.db-shm"
		rm -rf "$r/content" && mkdir -p "$r/content"
	done
	start_replicas
	c0=$(bench_ticks "$upid"); t0=$(now)
	sync_all || exit 1
	t1=$(now); c1=$(bench_ticks "$upid")
	rcpu=0
	for r in "$work"/r*/; do
		rcpu=$((rcpu + $(bench_ticks "$(cat "$r/wsusd.pid")")))
	done
	bytes=0
	for r in "$work"/r*/; do
		h=$("$ctlbin" -c "$r/wsusd.conf" sync history --json --limit 1)
		f=$(echo "$h" | jq -r '[.. | .files? // empty] | first')
		b=$(echo "$h" | jq -r '[.. | .bytes? // empty] | first')
		[ "$f" = "$nfiles" ] && [ "$b" = "$total" ] ||
		    { echo "$r: $f files, $b bytes, want $nfiles and $total" >&2; exit 1; }
		bytes=$((bytes + b))
	done
	stop_replicas
	awk -v a="$t0" -v b="$t1" -v c="$((c1 - c0))" -v hz="$hz" -v n="$bytes" -v rc="$rcpu" \
	    'BEGIN {printf "%.2f %.2f %.0f %.2f\n", b - a, c / hz, n, rc / hz}'
}
round_nginx() {	# -> "wall cpu bytes"
	c0=$(bench_nginx_ticks); t0=$(now)
	i=1
	while [ "$i" -le "$REPLICAS" ]; do
		if [ "${VERIFY:-}" ]; then
			# every body through SHA-1 and SHA-256 as a replica checks
			# them: one stream per fetcher, the same bytes hashed
			sh "$work/verify.sh" "$work/v$i.cfg" "$work/f$i" &
		else
			curl -s -f -K "$work/f$i.cfg" -w '%{size_download}\n' >"$work/f$i.sizes" &
		fi
		echo $! >"$work/f$i.pid"
		i=$((i + 1))
	done
	bad=0
	i=1
	while [ "$i" -le "$REPLICAS" ]; do
		wait "$(cat "$work/f$i.pid")" || bad=1
		rm -f "$work/f$i.pid"	# gone: not for bench_cleanup
		i=$((i + 1))
	done
	t1=$(now); c1=$(bench_nginx_ticks)
	[ "$bad" = 0 ] || { echo "a curl fetcher failed" >&2; exit 1; }
	if [ "${VERIFY:-}" ]; then
		bytes=$(cat "$work"/f*.got | awk '{s += $1} END {printf "%.0f", s}')
	else
		bytes=$(cat "$work"/f*.sizes | awk '{s += $1} END {printf "%.0f", s}')
	fi
	[ "$bytes" = "$((total * REPLICAS))" ] || { echo "curl moved $bytes bytes, want $((total * REPLICAS))" >&2; exit 1; }
	awk -v a="$t0" -v b="$t1" -v c="$((c1 - c0))" -v hz="$hz" -v n="$bytes" \
	    'BEGIN {printf "%.2f %.2f %.0f\n", b - a, c / hz, n}'
}

: >"$work/rounds"	# round server wall cpu bytes
r=1
while [ "$r" -le "$ROUNDS" ]; do
	case $((r % 3)) in
	1) order="wsusd nginx verify" ;; 2) order="nginx verify wsusd" ;; 0) order="verify wsusd nginx" ;;
	esac
	for s in $order; do
		# PEERS: the peers run in each round (all three by default)
		case " ${PEERS:-wsusd nginx verify} " in *" $s "*) ;; *) continue ;; esac
		echo "round $r: $s" >&2
		case $s in
		verify) res=$(VERIFY=1 round_nginx) ;;
		*) res=$(round_$s) ;;
		esac
		echo "$r $s $res" >>"$work/rounds"
		echo "round $r $s: wall, CPU, bytes: $res" >&2
	done
	r=$((r + 1))
done

echo "## $REPLICAS replicas syncing from one upstream: $COUNT documents, $nfiles files, $total bytes of content; $(nproc) cores, upstream $THREADS threads, nginx $THREADS workers; load average $(cut -d' ' -f1-3 /proc/loadavg) at the end; $(git -C "$top" rev-parse --short HEAD 2>/dev/null || echo '?')"
echo
echo "metadata sync, all $REPLICAS at once (\`sync now\`, content none): $meta_wall s wall, upstream CPU $meta_cpu s, $COUNT revisions stored by each"
echo
echo "runs that ended failed in RollupDownstreamServers only (after metadata and content): $meta_rollup in the metadata sync, $(wc -l <"$work/rollup-failed") in the content rounds"
echo
echo "| round | wsusd: wall s | upstream CPU s | replicas CPU s | GB/s | nginx+curl: wall s | nginx CPU s | GB/s | nginx+curl+SHA-1+SHA-256: wall s | GB/s | nginx+curl / wsusd | nginx+curl+SHA / wsusd |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|"
awk "$bench_awk_med"'
$2 == "wsusd" { w[$1] = $3; wc[$1] = $4; wb[$1] = $5; rc[$1] = $6 }
$2 == "nginx" { x[$1] = $3; xc[$1] = $4; xb[$1] = $5 }
$2 == "verify" { v[$1] = $3; vb[$1] = $5 }
END {
	for (r = 1; r in w; r++) {
		q[r] = x[r] / w[r]; qv[r] = v[r] / w[r]
		printf "| %d | %.1f | %.1f | %.1f | %.2f | %.1f | %.1f | %.2f | %.1f | %.2f | **%.3f** | **%.3f** |\n", r, w[r], wc[r], rc[r],
		    wb[r] / 1e9 / w[r], x[r], xc[r], xb[r] / 1e9 / x[r], v[r], vb[r] / 1e9 / v[r], q[r], qv[r]
	}
	n = r - 1
	m = med(q, n); mv = med(qv, n)
	printf "\nratio nginx+curl / wsusd: median %.3f, range %.3f–%.3f; nginx+curl+SHA / wsusd: median %.3f, range %.3f–%.3f; %d rounds\n", m, q[1], q[n], mv, qv[1], qv[n], n
}' "$work/rounds"
echo
echo "upstream wsusd peak RSS (VmHWM): $(awk '/^VmHWM:/ {printf "%.1f MB", $2 / 1024}' /proc/"$upid"/status)"
