#!/bin/sh
# test.sh — the whole test suite, as CI runs it:
#   lint   tools/check-banned.sh (banned functions in src/) and cppcheck
#          over src/ (warning and portability checks, the build's config
#          header); one pass/fail each
#   build  release-style build (gcc, -Werror) and every test: unit, http,
#          wusp, wsusss, rollup, e2e, fuzz-corpus replay
#   package  the Debian package: dpkg-buildpackage -us -uc -b of a copy
#          of the tree, dpkg -x into a temporary root, the layout checked
#          and the unit checked with systemd-analyze verify, lintian clean;
#          one pass/fail per check
#   asan   the same under AddressSanitizer + UndefinedBehaviorSanitizer
#   fuzz   every libFuzzer target for FUZZ_SECONDS (default 60), clang-14
# Nothing is skipped silently: after each meson test run the number of
# tests that ran must equal the number registered (meson test --list), a
# skipped test is a failure, and every fuzz target (the top-level
# meson.build fuzz_targets list and every fuzz/*.c harness) must be
# listed, built, run and execute at least one input.  Each mismatch
# counts as one failure.
# Ends with the line "N passed, N failed" (tests, lint checks, fuzz runs).
# Environment: STEPS="lint build package asan fuzz" picks steps (in that order by
# default); FUZZ_SECONDS=0 skips the fuzz step.
set -u
cd "$(dirname "$0")/.."
tools/deps.sh || { echo "test.sh: could not install dependencies" >&2; exit 1; }

FUZZ_SECONDS=${FUZZ_SECONDS:-60}
STEPS=${STEPS:-"lint build package asan fuzz"}
JOBS=$(nproc 2>/dev/null || echo 2)
LOGS=build-logs			# every step's logs (ignored by git: /build*/)
mkdir -p "$LOGS"
passed=0
failed=0

fail() {
	echo "test.sh: FAILED: $*"
	failed=$((failed + 1))
}

# The value of a meson test summary line ("Ok:", "Fail:", ...) or 0.
summary() {
	awk -v k="$1:" '$1 == k || ($1 " " $2) == k {v = $NF} END {print v + 0}' "$2"
}

# meson test prints "Ok: N", "Fail: N", ... in its summary.  Every
# registered test must have run: ran = the sum of the summary lines.
count_meson() {
	log=$1
	dir=$2
	if ! grep -q '^Ok:' "$log"; then
		fail "$dir: meson test printed no summary"
		return
	fi
	ok=$(summary Ok "$log")
	xfail=$(summary "Expected Fail" "$log")
	ko=$(summary Fail "$log")
	xpass=$(summary "Unexpected Pass" "$log")
	skip=$(summary Skipped "$log")
	tmo=$(summary Timeout "$log")
	passed=$((passed + ok + xfail))
	failed=$((failed + ko + xpass + tmo))
	if [ "$skip" -gt 0 ]; then	# a skip is a failure
		echo "test.sh: FAILED: $dir: $skip skipped test(s)"
		failed=$((failed + skip))
	fi
	ran=$((ok + xfail + ko + xpass + skip + tmo))
	registered=$(meson test --list --no-rebuild -C "$dir" 2>/dev/null |
	    grep -vc '^ninja:')
	if [ "$ran" -ne "$registered" ]; then
		fail "$dir: $ran tests ran but $registered are registered"
	else
		echo "=== $dir: $ran of $registered registered tests ran"
	fi
}

run_build() {
	dir=$1
	shift
	echo "=== $dir: meson setup $*"
	if [ ! -f "$dir/build.ninja" ]; then
		meson setup "$dir" "$@" >"$LOGS/$dir.setup.log" 2>&1 ||
			{ cat "$LOGS/$dir.setup.log"; fail "$dir: meson setup"; return 1; }
	fi
	ninja -C "$dir" >"$LOGS/$dir.ninja.log" 2>&1 ||
		{ tail -50 "$LOGS/$dir.ninja.log"; fail "$dir: ninja"; return 1; }
	meson test -C "$dir" --print-errorlogs --num-processes "$JOBS" \
		--timeout-multiplier 3 2>&1 | tee "$LOGS/$dir.test.log"
	count_meson "$LOGS/$dir.test.log" "$dir"
}

# The fuzz target names: the top-level meson.build fuzz_targets keys.
fuzz_registered() {
	awk '/^fuzz_targets = \{/ {on = 1; next}
	    on && /^\}/ {on = 0}
	    on && match($0, /^[ \t]*'\''[A-Za-z0-9_]+'\''/) {
		s = substr($0, RSTART, RLENGTH); gsub(/[ \t'\'']/, "", s); print s
	    }' meson.build
}

# Every fuzz/*.c but replay_main.c.
fuzz_harnesses() {
	for f in fuzz/*.c; do
		name=${f#fuzz/}
		name=${name%.c}
		[ "$name" = replay_main ] || echo "$name"
	done
}

run_fuzz() {
	registered=$(fuzz_registered)
	if [ -z "$registered" ]; then
		fail "fuzz: no fuzz_targets found in meson.build"
		return
	fi
	for name in $(fuzz_harnesses); do
		echo "$registered" | grep -qx "$name" ||
			fail "fuzz/$name.c is not in meson.build fuzz_targets"
	done
	echo "=== build-fuzz: libFuzzer, $FUZZ_SECONDS s per target:" $registered
	if [ ! -f build-fuzz/build.ninja ]; then
		CC=clang-14 meson setup build-fuzz -Dfuzzing=true -Dtests=false \
			-Db_sanitize=address,undefined -Db_lundef=false \
			>"$LOGS/build-fuzz.setup.log" 2>&1 ||
			{ cat "$LOGS/build-fuzz.setup.log"; fail "build-fuzz: meson setup"; return; }
	fi
	ninja -C build-fuzz >"$LOGS/build-fuzz.ninja.log" 2>&1 ||
		{ tail -50 "$LOGS/build-fuzz.ninja.log"; fail "build-fuzz: ninja"; return; }
	for name in $registered; do
		f=build-fuzz/fuzz/fuzz_$name
		if [ ! -x "$f" ]; then
			fail "fuzz $name: $f was not built"
			continue
		fi
		work=$(mktemp -d)
		dict=""
		[ -f "fuzz/$name.dict" ] && dict="-dict=fuzz/$name.dict"
		# new inputs go to $work; the repo corpus is read-only seed material
		# shellcheck disable=SC2086
		if "$f" -max_total_time="$FUZZ_SECONDS" -timeout=10 -rss_limit_mb=2048 \
		    -print_final_stats=1 $dict -artifact_prefix="$work/" \
		    "$work" "fuzz/corpus/$name" >"$LOGS/fuzz-$name.log" 2>&1; then
			units=$(sed -n 's/^stat::number_of_executed_units: *\([0-9]*\).*/\1/p' \
			    "$LOGS/fuzz-$name.log" | tail -1)
			if [ "${units:-0}" -gt 0 ]; then
				echo "fuzz $name: OK ($units executions)"
				passed=$((passed + 1))
			else
				tail -20 "$LOGS/fuzz-$name.log"
				fail "fuzz $name: executed no input (stat::number_of_executed_units ${units:-missing})"
			fi
		else
			tail -40 "$LOGS/fuzz-$name.log"
			ls "$work" | grep -E '^(crash|leak|timeout|oom)-' | head
			fail "fuzz $name"
		fi
		rm -rf "$work"
	done
}

# lint: banned functions, then cppcheck over src/ with the config header
# of build-test (configured here when it is not yet).
run_lint() {
	echo "=== lint: tools/check-banned.sh src"
	if tools/check-banned.sh src; then
		echo "lint banned: OK"
		passed=$((passed + 1))
	else
		fail "lint banned: banned functions in src/ (listed above)"
	fi
	echo "=== lint: cppcheck src"
	if [ ! -f build-test/wsusd_build.h ]; then
		meson setup build-test --buildtype=release >"$LOGS/build-test.setup.log" 2>&1 ||
			{ cat "$LOGS/build-test.setup.log"; fail "lint: meson setup build-test"; return; }
	fi
	if cppcheck --enable=warning,portability --error-exitcode=1 \
	    --inline-suppr --std=c11 --quiet -j "$JOBS" -I src -I build-test \
	    src >"$LOGS/cppcheck.log" 2>&1; then
		echo "lint cppcheck: OK"
		passed=$((passed + 1))
	else
		cat "$LOGS/cppcheck.log"
		fail "lint cppcheck: findings in src/ (listed above)"
	fi
}

# check NAME COMMAND...: one pass or fail of the package step.
check() {
	name=$1
	shift
	if "$@"; then
		echo "package $name: OK"
		passed=$((passed + 1))
	else
		fail "package $name"
	fi
}

# package: build the .deb from a copy of the tree (tracked and new files,
# not what .gitignore ignores: no build directories), unpack it into a
# temporary root and check what a Debian 12 machine would get.
run_package() {
	echo "=== package: dpkg-buildpackage -us -uc -b"
	work=$(mktemp -d /tmp/wsusd-package-XXXXXX)
	mkdir "$work/wsusd"
	git ls-files -co --exclude-standard -z | tar -cf - --null -T - |
	    tar -xf - -C "$work/wsusd"
	if ! (cd "$work/wsusd" && dpkg-buildpackage -us -uc -b) \
	    >"$LOGS/package.build.log" 2>&1; then
		tail -40 "$LOGS/package.build.log"
		fail "package: dpkg-buildpackage"
		rm -rf "$work"
		return
	fi
	deb=$(ls "$work"/wsusd_*_*.deb)
	check "lintian" sh -c 'lintian --fail-on warning "$1" >"$2" 2>&1 ||
	    { cat "$2"; false; }' sh "$deb" "$LOGS/package.lintian.log"
	r=$work/root
	dpkg -x "$deb" "$r"
	dpkg-deb -e "$deb" "$work/control"
	dpkg -c "$deb" >"$LOGS/package.contents.log"
	for f in usr/sbin/wsusd usr/bin/wsusctl; do
		check "$f" test -x "$r/$f"
	done
	for f in lib/systemd/system/wsusd.service usr/share/man/man8/wsusd.8.gz \
	    usr/share/man/man8/wsusctl.8.gz usr/share/man/man5/wsusd.conf.5.gz \
	    usr/share/bash-completion/completions/wsusctl \
	    usr/share/doc/wsusd/README.Debian; do
		check "$f" test -f "$r/$f"
	done
	check "etc/wsusd/wsusd.conf 0640 conffile" sh -c \
	    '[ "$(stat -c %a "$1/etc/wsusd/wsusd.conf")" = 640 ] &&
	    grep -qx /etc/wsusd/wsusd.conf "$2/conffiles"' sh "$r" "$work/control"
	check "no wsus-client" sh -c '! grep -q wsus-client "$1"' sh \
	    "$LOGS/package.contents.log"
	check "default configuration /etc/wsusd/wsusd.conf" sh -c \
	    '"$1/usr/sbin/wsusd" -h | grep -q "(default /etc/wsusd/wsusd.conf;"' \
	    sh "$r"
	check "postinst: user, state directory, wsusctl postinstall" sh -c \
	    'grep -q "adduser --system" "$1/postinst" &&
	    grep -q "chmod 0750" "$1/postinst" &&
	    grep -q "runuser -u wsusd -- /usr/bin/wsusctl .*postinstall" "$1/postinst" &&
	    grep -q "rm -rf /var/lib/wsusd" "$1/postrm"' sh "$work/control"
	check "unit ExecStart" grep -qx \
	    "ExecStart=/usr/sbin/wsusd -c /etc/wsusd/wsusd.conf" \
	    "$r/lib/systemd/system/wsusd.service"
	# the unit's programs taken inside the unpacked root
	sed "s|=/usr/sbin/wsusd|=$r/usr/sbin/wsusd|" \
	    "$r/lib/systemd/system/wsusd.service" >"$work/wsusd.service"
	check "systemd-analyze verify" sh -c \
	    'systemd-analyze verify --man=no "$1" >"$2" 2>&1 && ! [ -s "$2" ] ||
	    { cat "$2"; false; }' sh "$work/wsusd.service" "$LOGS/package.verify.log"
	rm -rf "$work"
}

for step in $STEPS; do
	case $step in
	lint)
		run_lint ;;
	build)
		run_build build-test --buildtype=release ;;
	package)
		run_package ;;
	asan)
		ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
		UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		run_build build-asan -Db_sanitize=address,undefined -Db_lundef=false ;;
	fuzz)
		[ "$FUZZ_SECONDS" -gt 0 ] || continue
		run_fuzz ;;
	*)
		fail "unknown step $step" ;;
	esac
done

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
