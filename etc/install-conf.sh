#!/bin/sh
# install-conf.sh — meson install script: puts the example configuration
# in place as SYSCONFDIR/wsusd/wsusd.conf unless a file is there already
# (an administrator's configuration is never overwritten), root:wsusd 0640
# so the wsusd user (the service, `sudo -u wsusd wsusctl postinstall`) can
# read it and nobody else.  When the group wsusd does not exist yet (or we
# are not root) the file stays the installer's, and a note says so.
#   install-conf.sh EXAMPLE SYSCONFDIR      (DESTDIR from meson)
set -eu
example=$1
dir=${DESTDIR:-}$2/wsusd
conf=$dir/wsusd.conf
mkdir -p "$dir"
if [ -e "$conf" ]; then
	echo "wsusd: keeping the existing $conf"
	exit 0
fi
cp "$example" "$conf"
chmod 0640 "$conf"
if [ "$(id -u)" -eq 0 ] && getent group wsusd >/dev/null 2>&1; then
	chown root:wsusd "$conf"
	echo "wsusd: installed $conf (root:wsusd 0640)"
else
	echo "wsusd: installed $conf (0640); make it readable by the service:" \
	    "chown root:wsusd $conf"
fi
