#!/usr/bin/env bash
# make-passwords.sh SITE.ini DIR: the broker accounts of one site.
#
# Reads the site id ([site] id) and the display ids ([mqtt] displays, default
# main) from SITE.ini and writes into DIR:
#   passwd       mosquitto password file (hashed): crosswatch-appliance,
#                crosswatch-signal, crosswatch-backoffice, display-<id> each
#   acl          the shipped acl next to this script, for this site and its
#                displays
#   credentials  the clear passwords, one "user password" a line (mode 600):
#                give each to its device's [mqtt] username/password, then
#                delete this file
# Passwords are random (18 bytes) and reach mosquitto_passwd on its standard
# input, not its command line. DIR/passwd must not exist yet.
set -euo pipefail
[ $# -eq 2 ] || { echo "usage: $0 SITE.ini DIR" >&2; exit 2; }
ini=$1 dir=$2
here=$(cd "$(dirname "$0")" && pwd)
command -v mosquitto_passwd > /dev/null || { echo "$0: mosquitto_passwd missing (package mosquitto)" >&2; exit 1; }

# value KEY GROUP: the key's value in [GROUP] of the key file, trimmed
value() {
  awk -v group="[$2]" -v key="$1" '
    /^[ \t]*\[/ { in_group = ($0 ~ "^[ \t]*" "\\" group) }
    in_group && $0 ~ "^[ \t]*" key "[ \t]*=" {
      sub(/^[^=]*=[ \t]*/, ""); sub(/[ \t]+$/, ""); print; exit
    }' "$ini"
}
site=$(value id site)
displays=$(value displays mqtt)
displays=${displays:-main}
[ -n "$site" ] || { echo "$0: $ini has no [site] id" >&2; exit 1; }
case $site in *[/+#\ ]*) echo "$0: site id '$site' has '/', '+', '#' or a space" >&2; exit 1 ;; esac
[ ! -e "$dir/passwd" ] || { echo "$0: $dir/passwd exists; not overwriting accounts" >&2; exit 1; }
mkdir -p "$dir"

umask 077
ids=$(echo "$displays" | tr ';' '\n' | sed 's/^[ \t]*//; s/[ \t]*$//' | grep -v '^$')
# a display id becomes an account name, a topic level and an awk replacement
for id in $ids; do
  case $id in *[!A-Za-z0-9_.-]*) echo "$0: display id '$id' may hold only letters, digits, '_', '.' and '-'" >&2; exit 1 ;; esac
done
users=$(echo crosswatch-appliance crosswatch-signal crosswatch-backoffice $(echo "$ids" | sed "s/^/display-/"))
: > "$dir/passwd"
: > "$dir/credentials"
for user in $users; do
  pw=$(head -c 18 /dev/urandom | base64 | tr '+/' '-_')
  printf '%s\n%s\n' "$pw" "$pw" | mosquitto_passwd "$dir/passwd" "$user" > /dev/null
  echo "$user $pw" >> "$dir/credentials"
done

# the acl: the shipped one with this site's id, its display block once per display
awk -v site="$site" -v ids="$ids" '
  BEGIN { n = split(ids, id, "\n") }
  /^# display block: main$/ { in_block = 1; next }
  in_block && /^# end of display block$/ {
    for (i = 1; i <= n; i++) {
      b = block; gsub(/main/, id[i], b); printf "# display block: %s\n%s# end of display block\n", id[i], b
    }
    in_block = 0; next
  }
  in_block { block = block $0 "\n"; next }
  { print }' "$here/acl" | sed "s#crosswatch/vtest-demo/#crosswatch/$site/#g; s#site vtest-demo#site $site#" > "$dir/acl"

# mosquitto reads both files as its own user, after dropping root
if [ "$(id -u)" = 0 ] && getent group mosquitto > /dev/null; then
  chgrp mosquitto "$dir/passwd" "$dir/acl"
  chmod 640 "$dir/passwd" "$dir/acl"
fi
echo "$dir/passwd: $(echo $users | wc -w) accounts ($users)"
echo "$dir/acl: site $site, displays $(echo $ids)"
echo "$dir/credentials: the clear passwords; hand them out, then delete it"
