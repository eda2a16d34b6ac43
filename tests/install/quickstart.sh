#!/bin/sh
# quickstart.sh (test) — tools/quickstart.sh keeps its configuration in
# step with PORT (defect: an existing var/wsusd.conf bound the old port
# while the new one was announced), and it installs only what building
# and running need (tools/deps.sh run: no cmocka, clang or llvm).
#   quickstart.sh SRCDIR
set -u
src=$1
failed=0
fail() { echo "FAIL: $*"; failed=$((failed + 1)); }
tmp=$(mktemp -d /tmp/wsusd-quickstart-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
qs=$src/tools/quickstart.sh
conf=$tmp/var/wsusd.conf

q() {	# q [PORT]: run --config-only; out, rc
	if [ $# -gt 0 ]; then
		out=$(PORT=$1 QUICKSTART_VAR=$tmp/var "$qs" --config-only 2>&1)
	else
		out=$(env -u PORT QUICKSTART_VAR=$tmp/var "$qs" --config-only 2>&1)
	fi
	rc=$?
}
ports() { grep '^port' "$conf" | tr '\n' ' '; }

q 18599
[ "$rc:$out" = "0:quickstart: port 18599" ] || fail "first run: $rc $out"
[ "$(ports)" = "port = 18599 " ] || fail "first run wrote $(ports)"
grep -qx "database = sqlite://$tmp/var/wsusd.db" "$conf" || fail "database line"
cp "$conf" "$tmp/first"

q 18600
[ "$rc:$out" = "0:quickstart: $conf: [listener http] port 18599 changed to 18600
quickstart: port 18600" ] || fail "second run: $rc $out"
[ "$(ports)" = "port = 18600 " ] || fail "second run: $(ports)"
# nothing but the port line changed
diff "$tmp/first" "$conf" >"$tmp/diff"
[ "$(grep -c '^[<>]' "$tmp/diff")" = 2 ] || { cat "$tmp/diff"; fail "diff"; }

q
[ "$rc:$out" = "0:quickstart: port 18600" ] || fail "no PORT: $rc $out"
q 18600
[ "$rc:$out" = "0:quickstart: port 18600" ] || fail "same PORT: $rc $out"

# a configuration without a [listener http] port: refused, unchanged
printf '[server]\nlog_level = debug\n[listener other]\nport = 9000\n' >"$conf"
cp "$conf" "$tmp/other"
q 18601
[ "$rc" = 1 ] || fail "no [listener http] port: exit $rc"
echo "$out" | grep -q 'has no "port =" line in \[listener http\]' || fail "$out"
cmp -s "$conf" "$tmp/other" || fail "refused configuration was changed"

q 0
[ "$rc" = 2 ] || fail "PORT=0: exit $rc"
q 8x
[ "$rc" = 2 ] || fail "PORT=8x: exit $rc"

# running needs no test tools
run=$("$src/tools/deps.sh" --list run)
for p in libcmocka-dev clang-14 llvm-14 libclang-rt-14-dev cppcheck; do
	echo "$run" | grep -qx "$p" && fail "deps.sh run installs $p"
	"$src/tools/deps.sh" --list | grep -qx "$p" || fail "deps.sh lacks $p"
done
echo "$run" | grep -qx libmicrohttpd-dev || fail "deps.sh run lacks libmicrohttpd-dev"
grep -qx 'tools/deps.sh run' "$qs" || fail "quickstart does not run tools/deps.sh run"

[ "$failed" -eq 0 ] || { echo "$failed failed"; exit 1; }
echo "quickstart OK"
