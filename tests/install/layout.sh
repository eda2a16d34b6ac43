#!/bin/sh
# layout.sh — `meson install` into a temporary DESTDIR puts every file
# where the build's options say, and nothing else:
#   wsusd in SBINDIR, wsusctl in BINDIR, no wsus-client (install_client
#   is off by default), the unit with ExecStart naming SBINDIR/wsusd and
#   the configuration file (systemd-analyze verify clean once its paths
#   are taken inside DESTDIR), the configuration CONFFILE (the example,
#   mode 0640) that a second install does not overwrite, the three man
#   pages, the bash completion; wsusd's and wsusctl's default
#   configuration path is CONFFILE.
#   layout.sh BUILDDIR SRCDIR PREFIX BINDIR SBINDIR CONFFILE UNITDIR MANDIR COMPLETIONDIR
set -u
build=$1 src=$2 prefix=$3 bindir=$4 sbindir=$5 conffile=$6 unitdir=$7
mandir=$8 compdir=$9
failed=0
fail() { echo "FAIL: $*"; failed=$((failed + 1)); }
dd=$(mktemp -d /tmp/wsusd-layout-XXXXXX)
trap 'rm -rf "$dd"' EXIT

meson install -C "$build" --no-rebuild --destdir "$dd" >"$dd.log" 2>&1 ||
	{ cat "$dd.log"; rm -f "$dd.log"; echo "FAIL: meson install"; exit 1; }
rm -f "$dd.log"

# exactly these files
want=$(printf '%s\n' "$bindir/wsusctl" "$sbindir/wsusd" "$conffile" \
    "$unitdir/wsusd.service" "$mandir/man8/wsusd.8" "$mandir/man8/wsusctl.8" \
    "$mandir/man5/wsusd.conf.5" "$compdir/wsusctl" | sort)
got=$(cd "$dd" && find . -type f | sed 's|^\.||' | sort)
[ "$got" = "$want" ] || fail "installed files:
$got
want:
$want"

[ -x "$dd$sbindir/wsusd" ] || fail "$sbindir/wsusd is not executable"
find "$dd" -name 'wsus-client*' | grep -q . && fail "wsus-client installed"

# the unit runs the installed wsusd with the installed configuration
unit=$dd$unitdir/wsusd.service
[ "$(grep '^ExecStart=' "$unit")" = "ExecStart=$sbindir/wsusd -c $conffile" ] ||
	fail "unit: $(grep '^ExecStart=' "$unit")"
[ "$(grep '^ExecStartPre=' "$unit")" = "ExecStartPre=$sbindir/wsusd -n -c $conffile" ] ||
	fail "unit: $(grep '^ExecStartPre=' "$unit")"
grep -n '@[A-Z][A-Z]*@' "$unit" && fail "unit: unsubstituted"
sed "s|$sbindir/wsusd|$dd$sbindir/wsusd|g" "$unit" >"$dd/wsusd.service"
systemd-analyze verify --man=no "$dd/wsusd.service" >"$dd/verify" 2>&1 ||
	{ cat "$dd/verify"; fail "systemd-analyze verify"; }
[ -s "$dd/verify" ] && { cat "$dd/verify"; fail "systemd-analyze verify printed"; }

# the configuration: the example, 0640, kept on a second install
conf=$dd$conffile
cmp -s "$conf" "$src/etc/wsusd.conf.example" || fail "$conffile is not the example"
[ "$(stat -c %a "$conf")" = 640 ] || fail "$conffile mode $(stat -c %a "$conf")"
if [ "$(id -u)" -eq 0 ] && getent group wsusd >/dev/null; then
	[ "$(stat -c %U:%G "$conf")" = root:wsusd ] ||
		fail "$conffile owner $(stat -c %U:%G "$conf")"
fi
echo "; changed by the administrator" >>"$conf"
meson install -C "$build" --no-rebuild --destdir "$dd" >"$dd/log2" 2>&1 ||
	{ cat "$dd/log2"; fail "second meson install"; }
[ "$(tail -1 "$conf")" = "; changed by the administrator" ] ||
	fail "second install overwrote $conffile"

# the programs default to the installed configuration
"$dd$sbindir/wsusd" -h | grep -q "(default $conffile;" ||
	fail "wsusd -h: $("$dd$sbindir/wsusd" -h | grep default)"
"$dd$bindir/wsusctl" -h | grep -q "(default $conffile;" ||
	fail "wsusctl -h: $("$dd$bindir/wsusctl" -h | grep default)"
# the man pages name it too, with no placeholder left
for p in man8/wsusd.8 man8/wsusctl.8 man5/wsusd.conf.5; do
	grep -q "$conffile" "$dd$mandir/$p" || fail "$p does not name $conffile"
	grep -n '@[A-Z][A-Z]*@' "$dd$mandir/$p" && fail "$p: unsubstituted"
done

[ "$failed" -eq 0 ] || { echo "$failed failed"; exit 1; }
echo "layout OK: $prefix"
