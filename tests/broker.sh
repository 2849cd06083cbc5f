# Sourced by the shell tests and the demo: waiting on a condition, and a
# mosquitto broker of the caller's own on a free loopback port.
#
#   . tests/broker.sh
#   broker_init "$free_port"      # broker_dir, broker_port, broker_conf, broker_log
#   broker_add_conf 'line' ...    # more config lines (or rewrite "$broker_conf")
#   path=$(broker_file ca.crt)    # a copy the broker's user can read
#   broker_start                  # returns once the broker listens
#   wait_until 30 broker_subscribed TOPIC
#   broker_stop                   # SIGTERM by PID, then broker_check_log
#   broker_cleanup                # from the caller's EXIT trap
#
# The broker keeps its persistence (sessions, queued QoS 1 messages) in
# broker_dir/db. Started as root, mosquitto drops to its own user (`user`,
# default mosquitto) before it reads the password and ACL files or writes its
# database, so broker_dir is a fresh directory owned by that user: a directory
# it cannot write makes it forget persistent sessions across a restart, with
# nothing but a log line to show for it. broker_check_log fails on such lines.

# wait_until SECONDS COMMAND...: run COMMAND every 0.1 s until it succeeds;
# 1 if it has not after SECONDS of wall-clock time.
wait_until() {
  local end=$((SECONDS + $1))
  shift
  until "$@"; do
    [ "$SECONDS" -ge "$end" ] && return 1
    sleep 0.1
  done
}

broker_pid= broker_dir= broker_port= broker_conf= broker_log= broker_user=
broker__free_port= broker__from=0 broker__started=

broker__say() { echo "broker: $*" >&2; }

# broker_init FREE_PORT_PROGRAM: a broker directory, a port, a default
# config (loopback listener, anonymous allowed, persistence on).
broker_init() {
  broker__free_port=$1
  broker_dir=$(mktemp -d "${TMPDIR:-/tmp}/crosswatch-broker.XXXXXX") || return 1
  mkdir "$broker_dir/db"
  broker_conf=$broker_dir/mosquitto.conf
  broker_log=$broker_dir/mosquitto.log
  broker_user=
  if [ "$(id -u)" = 0 ]; then
    broker_user=mosquitto
    id "$broker_user" > /dev/null 2>&1 ||
      { broker__say "running as root but there is no '$broker_user' user to drop to"; return 1; }
    chown -R "$broker_user:" "$broker_dir"
  fi
  broker_port=$("$broker__free_port") || { broker__say "no free port"; return 1; }
  {
    echo "listener $broker_port 127.0.0.1"
    echo "allow_anonymous true"
    echo "persistence true"
    echo "persistence_location $broker_dir/db/"
    printf 'log_type %s\n' error warning notice information subscribe
  } > "$broker_conf"
}

broker_add_conf() { printf '%s\n' "$@" >> "$broker_conf"; }

# broker_file SRC [NAME]: copy SRC into the broker directory, readable by the
# broker's user only; prints the copy's path.
broker_file() {
  local dst=$broker_dir/${2:-$(basename "$1")}
  cp "$1" "$dst" && chmod 600 "$dst" || return 1
  [ -z "$broker_user" ] || chown "$broker_user:" "$dst" || return 1
  echo "$dst"
}

broker__lines() { local n; n=$(grep -c '' "$broker_log" 2> /dev/null) || true; echo "${n:-0}"; }
broker__new_log() { tail -n +"$((broker__from + 1))" "$broker_log"; }
broker__up_or_exited() {
  broker__new_log | grep -q "mosquitto version .* running" || ! kill -0 "$broker_pid" 2> /dev/null
}

# broker_start: start mosquitto and return once it listens (it logs
# "running" after opening its listeners and dropping privileges). On the
# first start only, a port taken since free_port looked at it is replaced by
# a new one: configure the clients after the first start. Any other failure
# returns 1 with the broker's output on stderr.
broker_start() {
  local attempt old
  for attempt in 1 2 3; do
    broker__from=$(broker__lines)
    mosquitto -c "$broker_conf" >> "$broker_log" 2>&1 &
    broker_pid=$!
    wait_until 30 broker__up_or_exited
    if kill -0 "$broker_pid" 2> /dev/null && broker__new_log | grep -q "mosquitto version .* running"; then
      broker__started=1
      return 0
    fi
    kill "$broker_pid" 2> /dev/null
    wait "$broker_pid" 2> /dev/null
    broker_pid=
    if [ -z "${broker__started:-}" ] && broker__new_log | grep -q "Address already in use"; then
      broker__say "port $broker_port was taken since free_port looked; trying another"
      old=$broker_port
      broker_port=$("$broker__free_port") || return 1
      sed -i "s/^listener $old /listener $broker_port /" "$broker_conf"
      continue
    fi
    broker__say "mosquitto did not start:"
    broker__new_log >&2
    return 1
  done
  broker__say "no free port in 3 attempts"
  return 1
}

# broker_subscribed TOPIC: a client has subscribed to TOPIC (exactly as
# written) since the broker last started; needs `log_type subscribe`, as in
# the default config.
broker_subscribed() {
  broker__new_log | awk -v t="$1" '$NF == t && $(NF - 1) ~ /^[0-2]$/ { found = 1 } END { exit !found }'
}

broker__gone() { ! kill -0 "$1" 2> /dev/null || [ "$(ps -o stat= -p "$1")" = Z ]; }

# broker_stop: SIGTERM by PID, wait for it, then check its log. A persistent
# broker must have written its database at shutdown.
broker_stop() {
  [ -n "$broker_pid" ] || return 0
  kill "$broker_pid" 2> /dev/null
  wait "$broker_pid" 2> /dev/null
  # bash's `wait PID` was seen to return at once (status -1) for a child
  # still running on this machine: also wait until it is gone or a zombie
  wait_until 30 broker__gone "$broker_pid"
  broker_pid=
  if grep -q '^persistence true' "$broker_conf" && [ ! -s "$broker_dir/db/mosquitto.db" ]; then
    broker__say "persistence is on but no database was written in $broker_dir/db"
    return 1
  fi
  broker_check_log
}

# broker_check_log: 1 (with the lines) if the broker logged an error or a
# warning, e.g. `Error saving in-memory database ... Permission denied`.
broker_check_log() {
  local bad
  bad=$(grep -E ': (Error|Warning)|Permission denied|[Uu]nable to' "$broker_log")
  [ -z "$bad" ] && return 0
  broker__say "the broker log has errors:"
  echo "$bad" >&2
  return 1
}

# broker_cleanup: stop a broker still running (without judging its log) and
# remove its directory; for the caller's EXIT trap.
broker_cleanup() {
  if [ -n "$broker_pid" ]; then
    kill "$broker_pid" 2> /dev/null
    wait "$broker_pid" 2> /dev/null
    broker_pid=
  fi
  [ -n "$broker_dir" ] && rm -rf "$broker_dir"
  broker_dir=
}
