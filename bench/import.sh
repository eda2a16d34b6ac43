#!/bin/sh
# import.sh — metadata import rate and peak memory: generates a synthetic
# catalog of COUNT (default 50000) update documents (bench/gen_catalog.c),
# imports it into a fresh SQLite store with `wsusctl import-updates`, then
# re-imports it (the idempotent path), and lists by title to time a query.
#   COUNT=50000 bench/import.sh
set -eu
cd "$(dirname "$0")/.."
. bench/lib.sh
COUNT=${COUNT:-50000}

tools/deps.sh bench
bench_build build-bench

bench_workdir import
build-bench/bench/gen_catalog "$work/catalog" "$COUNT" >/dev/null
docbytes=$(du -sb "$work/catalog" | awk '{print $1}')
cat >"$work/wsusd.conf" <<CONF
[server]
content_dir = $work/content
database = sqlite://$work/wsusd.db
state_dir = $work
log_level = warn
CONF
ctl="build-bench/src/cli/wsusctl -c $work/wsusd.conf"
$ctl postinstall >/dev/null

measure() {
	/usr/bin/time -f '%e %M' -o "$work/time" "$@" >"$work/out" 2>"$work/err" || {
		cat "$work/err" >&2; tail -5 "$work/out" >&2; exit 1; }
	cat "$work/time"
}
set -- $(measure $ctl import-updates "$work/catalog"); t1=$1; rss1=$2
set -- $(measure $ctl import-updates "$work/catalog"); t2=$1; rss2=$2
set -- $(measure $ctl updates list --title "update 4999" --limit 10); t3=$1
dbbytes=$(du -sb "$work/wsusd.db"* | awk '{s += $1} END {print s}')

awk -v n="$COUNT" -v t1="$t1" -v r1="$rss1" -v t2="$t2" -v r2="$rss2" -v t3="$t3" \
    -v db="$dbbytes" -v doc="$docbytes" 'BEGIN {
	printf "| measure | value |\n|---|---|\n"
	printf "| revisions imported | %d (%.0f MB of XML) |\n", n, doc / 1048576
	printf "| first import | %.1f s, %.0f revisions/s, peak RSS %.1f MB |\n", t1, n / t1, r1 / 1024
	printf "| re-import (all present) | %.1f s, %.0f revisions/s, peak RSS %.1f MB |\n", t2, n / t2, r2 / 1024
	printf "| title search over the catalog | %.2f s (whole wsusctl run) |\n", t3
	printf "| database size | %.0f MB (%.0f%% of the XML) |\n", db / 1048576, 100 * db / doc
}'
echo "$(nproc) cores, $(uname -r), SQLite $(sqlite3 --version | cut -d' ' -f1)"
