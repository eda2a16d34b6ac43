#!/bin/sh
# check-banned.sh — fail, listing file:line, when C code calls a function
# docs/STYLE.md bans: atoi atol atoll atof strcpy strcat sprintf vsprintf
# gets strtok strncpy sscanf tmpnam mktemp.
#   tools/check-banned.sh [DIR|FILE...]     (default: src)
# Comments, string literals and character literals are blanked before the
# match (line numbers kept), so a comment naming strcpy is fine; a call in
# code is a finding.  A name counts as a call when "(" follows it.
# Exit status: 0 clean, 1 findings, 2 usage.
set -u
cd "$(dirname "$0")/.."
[ $# -gt 0 ] || set -- src

BANNED='atoi|atol|atoll|atof|strcpy|strcat|sprintf|vsprintf|gets|strtok|strncpy'
BANNED="$BANNED|sscanf|tmpnam|mktemp"

files=$(find "$@" -type f \( -name '*.c' -o -name '*.h' \) | LC_ALL=C sort)
[ -n "$files" ] || { echo "check-banned: no C files in $*" >&2; exit 2; }

# shellcheck disable=SC2086
LC_ALL=C awk -v banned="$BANNED" '
FNR == 1 { incomment = 0 }
{
	line = $0
	out = ""
	i = 1
	n = length(line)
	while (i <= n) {
		c = substr(line, i, 1)
		d = substr(line, i, 2)
		if (incomment) {
			if (d == "*/") { incomment = 0; out = out "  "; i += 2 }
			else { out = out " "; i++ }
			continue
		}
		if (d == "/*") { incomment = 1; out = out "  "; i += 2; continue }
		if (d == "//") break
		if (c == "\"" || c == "'\''") {
			q = c
			out = out q
			i++
			while (i <= n) {
				c = substr(line, i, 1)
				if (c == "\\") { out = out "  "; i += 2; continue }
				if (c == q) break
				out = out " "
				i++
			}
			out = out q
			i++
			continue
		}
		out = out c
		i++
	}
	re = "(^|[^A-Za-z0-9_])(" banned ")[ \t]*\\("
	if (match(out, re)) {
		s = substr(out, RSTART, RLENGTH)
		sub(/^[^A-Za-z_]/, "", s)
		sub(/[ \t]*\($/, "", s)
		printf "%s:%d: %s: %s\n", FILENAME, FNR, s, $0
		found++
	}
}
END { exit found > 0 ? 1 : 0 }
' $files
rc=$?
if [ $rc -ne 0 ]; then
	echo "check-banned: banned functions in code (docs/STYLE.md): use" \
	    "strtol/strtoul with end checks, snprintf, memcpy with checked lengths" >&2
fi
exit $rc
