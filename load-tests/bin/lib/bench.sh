# Shared by the benchmark scripts in load-tests/bin (sourced, not run): packages, processes and
# their clean-up, free ports, waiting for a server, CPU time and the table's arithmetic.
# The sourcing script sets NAME (its name in messages) and WORK (its scratch directory) before
# calling these, and KEEP (a directory, or empty) for cleanup.

log() { printf '[%s %s] %s\n' "$NAME" "$(date -u +%H:%M:%S)" "$*" >&2; }

install_packages() { # package...
  if [[ $(id -u) -ne 0 ]]; then
    echo "$NAME: needs the Debian packages $* (run as root, or: sudo apt-get install $*)" >&2; exit 1
  fi
  log "installing $*"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$@" >/dev/null \
    || { apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$@" >/dev/null; }
}

# Every process started is added to PIDS; cleanup stops them all (TERM, then KILL after 5 s).
PIDS=()
cleanup() {
  local status=$?
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  done
  if [[ -n ${KEEP:-} ]]; then mkdir -p "$KEEP" && cp -r "$WORK"/. "$KEEP"/ && log "raw results in $KEEP"; fi
  rm -rf "$WORK"
  exit "$status"
}

USED_PORTS=" "
free_port() {
  local port
  while :; do
    port=$((20000 + RANDOM % 40000))
    [[ $USED_PORTS == *" $port "* ]] && continue
    ss -Htln "sport = :$port" 2>/dev/null | grep -q . && continue
    USED_PORTS+="$port "
    echo "$port"; return
  done
}

wait_for() { # name url [header]
  local name=$1 url=$2 header=${3:-X-Probe: 1}
  for _ in $(seq 600); do
    if curl -fsS -o /dev/null -H "$header" "$url" 2>/dev/null; then return 0; fi
    sleep 0.2
  done
  echo "$NAME: $name did not answer $url within 120 s; its log:" >&2
  tail -n 40 "$WORK/$name.log" >&2 || true
  exit 1
}

# CPU time (clock ticks) processes and their children (nginx's workers, uvicorn's) have used so far.
cpu_ticks() { # pid...
  local total=0 p
  # shellcheck disable=SC2048,SC2086 # a target may be several processes
  for p in $* $(for q in $*; do pgrep -P "$q" || true; done); do
    total=$((total + $(awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null || echo 0)))
  done
  echo "$total"
}
TICKS_PER_SECOND=$(getconf CLK_TCK)

# The median of the numbers on stdin, one per line; nothing for no numbers.
median() { sort -g | awk '{v[NR]=$1} END {if (NR) print (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2}'; }

ratio() { # numerator denominator
  if [[ -n ${1:-} && -n ${2:-} ]]; then awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; else echo "-"; fi
}
