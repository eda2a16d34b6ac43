#!/bin/sh
# samples.sh — the README walk-through's sample data (samples/updates) is
# in the repository with its provenance, imports as the README says, and
# a path that does not exist is a usage error (exit 2, nothing imported)
# rather than "1 document ... 1 failed".
#   samples.sh WSUSCTL SRCDIR
set -u
ctl=$1 src=$2
failed=0
fail() { echo "FAIL: $*"; failed=$((failed + 1)); }
tmp=$(mktemp -d /tmp/wsusd-samples-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
samples=$src/samples/updates

# every sample file is described in PROVENANCE.md with its SHA-256
n=0
for f in "$samples"/*; do
	b=${f##*/}
	[ "$b" = PROVENANCE.md ] && continue
	n=$((n + 1))
	sum=$(sha256sum "$f" | cut -d' ' -f1)
	awk -v h="### \`$b\`" '$0 == h {on = 1; next} /^### / {on = 0} on' \
	    "$samples/PROVENANCE.md" | grep -q "SHA-256 \`$sum\`" ||
		fail "$b: not in PROVENANCE.md with SHA-256 $sum"
done
[ "$n" -eq 12 ] || fail "$n sample files, want 12"

# run: wsusctl -c CONF ARGS...; out, err, rc
run() {
	"$ctl" -c "$tmp/$conf" "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	out=$(cat "$tmp/out")
	err=$(cat "$tmp/err")
}
expect() {	# expect RC OUT ERR
	[ "$rc" = "$1" ] && [ "$out" = "$2" ] && [ "$err" = "$3" ] && return
	fail "exit $rc, want $1
stdout: $out
want:   $2
stderr: $err
want:   $3"
}
setup() {	# setup NAME: a fresh configuration and store
	conf=$1.conf
	mkdir -p "$tmp/$1"
	printf '[server]\ncontent_dir = %s/content\ndatabase = sqlite://%s/db\nstate_dir = %s\n' \
	    "$tmp/$1" "$tmp/$1" "$tmp/$1" >"$tmp/$conf"
	run -q postinstall
	expect 0 "" ""
}

setup a
run import-updates "$samples"
expect 0 "12 documents: 9 new revisions, 3 already present, 0 failed" ""
run updates show KB2267602
[ "$rc" = 0 ] || fail "updates show KB2267602: exit $rc: $err"
echo "$out" | grep -q "Security Intelligence Update for Microsoft Defender Antivirus" ||
	fail "updates show KB2267602: $out"

# a missing path: exit 2, its reason, nothing imported
setup b
run import-updates "$src/samples/nope"
expect 2 "" "wsusctl: import-updates: $src/samples/nope: No such file or directory; nothing imported"
run import-updates "$samples/a2fef9b0-7951-4c2c-a42b-9e351dd1c1fe-r200.xml" "$tmp/nope.xml"
expect 2 "" "wsusctl: import-updates: $tmp/nope.xml: No such file or directory; nothing imported"
run import-updates "$samples/a2fef9b0-7951-4c2c-a42b-9e351dd1c1fe-r200.xml"
expect 0 "1 document: 1 new revision, 0 already present, 0 failed" ""
run import-content "$tmp/nope.exe"
expect 2 "" "wsusctl: import-content: $tmp/nope.exe: No such file or directory; nothing imported"

[ "$failed" -eq 0 ] || { echo "$failed failed"; exit 1; }
echo "samples OK"
