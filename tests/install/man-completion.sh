#!/bin/sh
# man-completion.sh — the man pages and the bash completion are true to
# the programs:
#   wsusd.8 has every option of `wsusd -h`; wsusctl.8 every command of
#   `wsusctl --help` (a .SS section each), every global option and every
#   long option of each `wsusctl help COMMAND`;
#   wsusd.conf.5 every key `wsusd -n -v` prints (".B key ="); groff reads
#   each page without a warning; the completion is `bash -n` clean and
#   offers exactly the commands of `wsusctl --help` (and help), the
#   global options, every long option of each command's help, and the
#   sub-commands of groups, updates and sync.
#   man-completion.sh WSUSD WSUSCTL MANDIR(build) COMPLETION
set -u
wsusd=$1 wsusctl=$2 man=$3 comp=$4
failed=0
fail() { echo "FAIL: $*"; failed=$((failed + 1)); }
tmp=$(mktemp -d /tmp/wsusd-man-XXXXXX)
trap 'rm -rf "$tmp"' EXIT

# roff escapes "-" as "\-"
unroff() { sed 's/\\-/-/g; s/\\f[BIRP]//g' "$1"; }

# wsusd: every "-X" of the usage line
opts=$("$wsusd" -h | head -1 | grep -o '\[-[a-zA-Z]' | tr -d '[')
[ -n "$opts" ] || fail "no options in wsusd -h"
for o in $opts; do
	unroff "$man/wsusd.8" | grep -Eq "^\.B[IR]? $o( |$)" ||
		fail "wsusd.8 lacks option $o"
done

# wsusctl: every command and every global long option
cmds=$("$wsusctl" --help | awk '/^Commands:/ {on = 1; next}
    on && /^$/ {exit} on {print $1}')
[ "$(echo "$cmds" | wc -l)" -ge 15 ] || fail "commands: $cmds"
for c in $cmds help; do
	unroff "$man/wsusctl.8" | grep -qx "\.SS $c" ||
		fail "wsusctl.8 lacks a section for $c"
done
for o in $("$wsusctl" --help | grep -o -- '--[a-z]*' | sort -u); do
	unroff "$man/wsusctl.8" | grep -q -- "$o" || fail "wsusctl.8 lacks $o"
done
# every long option of every command's help
for c in $cmds; do
	# (the replica notes name sync's --replica, not an option of $c)
	"$wsusctl" help "$c" 2>&1 | sed 's/(wsusctl sync --replica)//' \
	    >"$tmp/help.$c" || fail "wsusctl help $c"
	for o in $(grep -o -- '--[a-z][a-z-]*' "$tmp/help.$c" | sort -u); do
		unroff "$man/wsusctl.8" | grep -q -- "$o" ||
			fail "wsusctl.8 lacks $c $o"
	done
done

# wsusd.conf.5: every key of the effective configuration
cat >"$tmp/c.conf" <<CONF
[server]
content_dir = $tmp/content
database = sqlite://$tmp/db
state_dir = $tmp
[listener http]
port = 8530
CONF
"$wsusd" -n -v -c "$tmp/c.conf" >"$tmp/eff" || fail "wsusd -n -v"
keys=$(sed -n 's/^;* *\([a-z_][a-z_]*\) =.*/\1/p' "$tmp/eff" | sort -u)
[ "$(echo "$keys" | wc -l)" -ge 20 ] || fail "keys: $keys"
for k in $keys; do
	unroff "$man/wsusd.conf.5" | grep -Eq "^\.B(R \")? *$k =" ||
		fail "wsusd.conf.5 lacks key $k"
done

for p in wsusd.8 wsusctl.8 wsusd.conf.5; do
	LC_ALL=C.UTF-8 groff -man -ww -z "$man/$p" >"$tmp/groff" 2>&1
	[ -s "$tmp/groff" ] && { cat "$tmp/groff"; fail "groff warns on $p"; }
done

# completion
bash -n "$comp" || fail "bash -n $comp"
# complete LINE: what the completion offers for the last word of LINE,
# sorted, one a line
complete_line() {
	bash -c '
	. /usr/share/bash-completion/bash_completion
	. "$1"
	read -ra COMP_WORDS <<<"$2"
	[[ $2 == *" " ]] && COMP_WORDS+=("")
	COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
	COMP_LINE=$2
	COMP_POINT=${#COMP_LINE}
	_wsusctl wsusctl "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
	printf "%s\n" "${COMPREPLY[@]}" | sort' sh "$comp" "$1"
}
want=$(printf '%s\n' $cmds help | sort)
got=$(complete_line "wsusctl ")
[ "$got" = "$want" ] || fail "completion of commands: $got
want: $want"
got=$(complete_line "wsusctl -c /etc/x.conf ")
[ "$got" = "$want" ] || fail "completion after -c FILE: $got"
got=$(complete_line "wsusctl --")
[ "$got" = "$(printf '%s\n' --config --help --json --quiet --version)" ] ||
	fail "completion of global options: $got"
got=$(complete_line "wsusctl groups ")
[ "$got" = "$(printf '%s\n' create delete list move rename)" ] ||
	fail "completion of groups: $got"
got=$(complete_line "wsusctl updates s")
[ "$got" = "$(printf '%s\n' search show)" ] ||
	fail "completion of updates s: $got"
got=$(complete_line "wsusctl sync ")
[ "$got" = "$(printf '%s\n' cancel configure history now status)" ] ||
	fail "completion of sync: $got"
# every long option of every command's help is offered after "--"
for c in $cmds; do
	got=$(complete_line "wsusctl $c --")
	for o in $(grep -o -- '--[a-z][a-z-]*' "$tmp/help.$c" | sort -u); do
		echo "$got" | grep -qx -- "$o" ||
			fail "completion of wsusctl $c -- lacks $o"
	done
done
got=$(complete_line "wsusctl approve KB1 --action ")
[ "$got" = "$(printf '%s\n' install notapproved uninstall)" ] ||
	fail "completion of --action: $got"

[ "$failed" -eq 0 ] || { echo "$failed failed"; exit 1; }
echo "man pages and completion OK"
