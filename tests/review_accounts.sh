# Review accounts for the shell tests and the demo (sourced; $cw is the
# crosswatch binary). review_accounts SITE.ini makes "officer" (reviewer)
# and "sergeant" (supervisor); review_as SITE.ini USER ARGS... runs
# `crosswatch review` as USER (the password on standard input, as a script
# gives it); review_confirm SITE.ini ID has both open every still and the
# clip, then confirm: the two-person rule's two confirmations.
REVIEW_PW_officer=officer-password-1
REVIEW_PW_sergeant=sergeant-password-1

review_accounts() {
  local site=$1 u name pw
  for u in officer:reviewer sergeant:supervisor; do
    name=${u%%:*}
    pw=REVIEW_PW_$name
    echo "${!pw}" | "$cw" users -c "$site" add "$name" --role "${u#*:}" > /dev/null || return 1
  done
}

review_as() {
  local site=$1 user=$2 pw
  shift 2
  pw=REVIEW_PW_$user
  echo "${!pw:-no-such-password}" | "$cw" review -c "$site" --user "$user" "$@"
}

review_confirm() {
  local site=$1 id=$2 u d
  d=$(mktemp -d)
  for u in officer sergeant; do
    if ! review_as "$site" "$u" show "$id" --media-out "$d/$u" > /dev/null ||
       ! review_as "$site" "$u" confirm "$id" > /dev/null; then
      rm -rf "$d"
      return 1
    fi
  done
  rm -rf "$d"
}

# review_clear_clocks SITE.ini [KEEP]: the supervisor clears every
# clock_unsynced case but the last KEEP (red-signal cases recorded while
# this machine's clock was not trusted: test machines run without a time
# service), giving how the time was checked, so they can be reviewed like
# any other.
review_clear_clocks() {
  local site=$1 keep=${2:-0} id
  for id in $("$cw" review -c "$site" list --state clock_unsynced | awk 'NR > 1 { print $1 }' | head -n -"$keep"); do
    review_as "$site" sergeant clear_clock "$id" \
      --reason "time checked: recorded footage, timed by its own frame stamps" > /dev/null || return 1
  done
}
