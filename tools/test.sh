#!/bin/sh
# test.sh — the whole test suite, as CI runs it:
#   1. release-style build (gcc, -Werror) and every test: unit, http, fuzz-corpus replay
#   2. the same under AddressSanitizer + UndefinedBehaviorSanitizer
#   3. every libFuzzer target for FUZZ_SECONDS (default 60) with clang-14
# Ends with the line "N passed, N failed" (test programs and fuzz runs).
# Environment: FUZZ_SECONDS=0 skips step 3; STEPS="build asan fuzz" picks steps.
set -u
cd "$(dirname "$0")/.."
tools/deps.sh || { echo "test.sh: could not install dependencies" >&2; exit 1; }

FUZZ_SECONDS=${FUZZ_SECONDS:-60}
STEPS=${STEPS:-"build asan fuzz"}
JOBS=$(nproc 2>/dev/null || echo 2)
passed=0
failed=0

# meson test prints "Ok: N" and "Fail: N" lines in its summary.
count_meson() {
	ok=$(awk '/^Ok:/ {print $2}' "$1" | tail -1)
	ko=$(awk '/^(Fail|Timeout|Unexpected Pass):/ {s += $NF} END {print s+0}' "$1")
	passed=$((passed + ${ok:-0}))
	failed=$((failed + ${ko:-0}))
	[ -n "$ok" ] || failed=$((failed + 1))	# no summary: the run itself broke
}

run_build() {
	dir=$1
	shift
	echo "=== $dir: meson setup $*"
	if [ ! -f "$dir/build.ninja" ]; then
		meson setup "$dir" "$@" >"$dir.setup.log" 2>&1 ||
			{ cat "$dir.setup.log"; failed=$((failed + 1)); return 1; }
	fi
	ninja -C "$dir" >"$dir.ninja.log" 2>&1 ||
		{ tail -50 "$dir.ninja.log"; failed=$((failed + 1)); return 1; }
	meson test -C "$dir" --print-errorlogs --num-processes "$JOBS" \
		--timeout-multiplier 3 2>&1 | tee "$dir.test.log"
	count_meson "$dir.test.log"
}

for step in $STEPS; do
	case $step in
	build)
		run_build build-test --buildtype=release ;;
	asan)
		ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
		UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		run_build build-asan -Db_sanitize=address,undefined -Db_lundef=false ;;
	fuzz)
		[ "$FUZZ_SECONDS" -gt 0 ] || continue
		echo "=== build-fuzz: libFuzzer, $FUZZ_SECONDS s per target"
		if [ ! -f build-fuzz/build.ninja ]; then
			CC=clang-14 meson setup build-fuzz -Dfuzzing=true -Dtests=false \
				-Db_sanitize=address,undefined -Db_lundef=false \
				>build-fuzz.setup.log 2>&1 ||
				{ cat build-fuzz.setup.log; failed=$((failed + 1)); continue; }
		fi
		ninja -C build-fuzz >build-fuzz.ninja.log 2>&1 ||
			{ tail -50 build-fuzz.ninja.log; failed=$((failed + 1)); continue; }
		for f in build-fuzz/fuzz/fuzz_*; do
			[ -f "$f" ] && [ -x "$f" ] || continue
			name=${f##*/fuzz_}
			work=$(mktemp -d)
			dict=""
			[ -f "fuzz/$name.dict" ] && dict="-dict=fuzz/$name.dict"
			# new inputs go to $work; the repo corpus is read-only seed material
			if "$f" -max_total_time="$FUZZ_SECONDS" -timeout=10 -rss_limit_mb=2048 \
			    -print_final_stats=1 $dict -artifact_prefix="$work/" \
			    "$work" "fuzz/corpus/$name" >"build-fuzz/$name.log" 2>&1; then
				echo "fuzz $name: OK ($(grep -o 'stat::number_of_executed_units: *[0-9]*' "build-fuzz/$name.log" | awk '{print $2}') executions)"
				passed=$((passed + 1))
			else
				echo "fuzz $name: FAILED"
				tail -40 "build-fuzz/$name.log"
				ls "$work" | grep -E '^(crash|leak|timeout|oom)-' | head
				failed=$((failed + 1))
			fi
			rm -rf "$work"
		done ;;
	*)
		echo "test.sh: unknown step $step" >&2
		failed=$((failed + 1)) ;;
	esac
done

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
