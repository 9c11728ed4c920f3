# Functions of bin/meridian that do not start anything, sourced by it and by the launcher's tests
# (load-tests: LauncherFunctionsTests). Plain bash and awk: the launcher needs nothing but bash and a JDK.

# merge_args ARG... sets MERGED to the arguments with every --name=value once, holding the value
# given last, at the place of its first appearance. Spring Boot joins a property given twice on the
# command line into a list ("true,true"), so without this a user's MERIDIAN_GATEWAY_ARGS could not
# override what the launcher passes. Names compare as Spring's relaxed binding does: case and
# dashes do not count (--meridian.trustedProxies and --meridian.trusted-proxies are one property).
# Other arguments are kept as they are.
merge_args() {
  local arg key
  local -A at=()
  MERGED=()
  for arg in "$@"; do
    if [[ $arg == --?*=* ]]; then
      key=${arg%%=*}
      key=${key,,}
      key=${key//-/}
      if [[ -n ${at[$key]+set} ]]; then
        MERGED[${at[$key]}]=$arg
        continue
      fi
      at[$key]=${#MERGED[@]}
    fi
    MERGED+=("$arg")
  done
}

# startup_failure_reason LOG prints, on one line, why a Spring Boot service stopped during start-up:
# the failure analyzer's description (and its action), else the last error logged with its
# exception's message, else the log's last line. Reads the JSON lines of Spring Boot's structured
# logging (ecs, logstash, gelf), unescaped, as well as plain text.
startup_failure_reason() {
  LC_ALL=C awk '
    function hexval(h,   i, v) {
      v = 0
      for (i = 1; i <= length(h); i++) v = v * 16 + index("0123456789abcdef", tolower(substr(h, i, 1))) - 1
      return v
    }
    function utf8(cp) {
      if (cp < 128) return sprintf("%c", cp)
      if (cp < 2048) return sprintf("%c%c", 192 + int(cp / 64), 128 + cp % 64)
      return sprintf("%c%c%c", 224 + int(cp / 4096), 128 + int(cp / 64) % 64, 128 + cp % 64)
    }
    # The JSON string that starts right after position p of line (just past its opening quote), unescaped.
    function jstring(line, p,   out, c, e) {
      out = ""
      while (p <= length(line)) {
        c = substr(line, p, 1)
        if (c == "\"") break
        if (c == "\\") {
          e = substr(line, p + 1, 1)
          if (e == "n") out = out "\n"
          else if (e == "t") out = out "\t"
          else if (e == "r") out = out ""
          else if (e == "u") { out = out utf8(hexval(substr(line, p + 2, 4))); p += 4 }
          else out = out e
          p += 2
          continue
        }
        out = out c
        p++
      }
      return out
    }
    function field(line, name,   key, p) {
      key = "\"" name "\":\""
      p = index(line, key)
      return p ? jstring(line, p + length(key)) : ""
    }
    function oneline(s) {
      gsub(/[ \t\n]+/, " ", s)
      sub(/^ /, "", s)
      sub(/ $/, "", s)
      return s
    }
    {
      if ($0 ~ /^\{/) {
        text = field($0, "message")
        if (text == "") text = field($0, "full_message")
        if (text == "") text = field($0, "short_message")
        error = ""
        p = index($0, "\"error\":{")
        if (p) error = field(substr($0, p), "message")
        if (error == "") error = field($0, "error.message")
        level = ($0 ~ /"(level|log\.level)":"ERROR"/ || $0 ~ /"level":3[,}]/)
      } else {
        text = $0
        error = ""
        level = ($0 ~ / ERROR /)
      }
      if (text != "") last = text
      if (index(text, "APPLICATION FAILED TO START")) report = text
      else if (report_text_open && text !~ /^\{/ && !level) report = report "\n" text
      if ($0 !~ /^\{/ && index(text, "APPLICATION FAILED TO START")) report_text_open = 1
      else if (level) report_text_open = 0
      if (level) lasterror = oneline(text) (error != "" ? ": " oneline(error) : "")
    }
    END {
      if (report != "") {
        n = split(report, lines, "\n")
        part = ""
        for (i = 1; i <= n; i++) {
          if (lines[i] ~ /^Description:/) { part = "d"; continue }
          if (lines[i] ~ /^Action:/) { part = "a"; continue }
          if (part == "d") description = description " " lines[i]
          if (part == "a") action = action " " lines[i]
        }
        description = oneline(description)
        action = oneline(action)
        if (description != "") {
          print description (action != "" ? " (" action ")" : "")
          exit
        }
      }
      if (lasterror != "") { print lasterror; exit }
      print oneline(last)
    }' "$1"
}

# choose_queues WANTED prints where the regions' queues live: redis for WANTED redis, or auto with a
# redis-server on the PATH; memory for WANTED memory, or auto without one. For redis without a
# redis-server, or any other value, it says why on standard error and fails.
choose_queues() {
  case ${1:-auto} in
    memory) echo memory ;;
    redis)
      if ! command -v redis-server >/dev/null; then
        printf 'MERIDIAN_QUEUES is redis, but no redis-server is on the PATH; install Redis or use MERIDIAN_QUEUES=memory\n' >&2
        return 1
      fi
      echo redis ;;
    auto) if command -v redis-server >/dev/null; then echo redis; else echo memory; fi ;;
    *) printf "MERIDIAN_QUEUES must be auto, redis or memory, but was '%s'\n" "$1" >&2; return 1 ;;
  esac
}

# redis_port_candidates [PORT] prints the ports to try for the stack's own redis-server, one a line:
# PORT alone when given (MERIDIAN_REDIS_PORT); else 6389, then 6391-6399 and 16389-16399. Never
# 6379 (a developer's own Redis) nor 6390 (the test Redis of the build's CI).
redis_port_candidates() {
  if [[ -n ${1:-} ]]; then
    [[ $1 =~ ^[0-9]+$ ]] && (( $1 >= 1 && $1 <= 65535 )) \
      || { printf "MERIDIAN_REDIS_PORT must be a port number, but was '%s'\n" "$1" >&2; return 1; }
    echo "$1"
    return
  fi
  echo 6389
  seq 6391 6399
  seq 16389 16399
}

# redis_process_id PORT prints the process id of the Redis answering on 127.0.0.1:PORT (its INFO
# server), or nothing when none answers: how the launcher tells its own redis-server from another
# program that took the port first.
redis_process_id() {
  timeout 5 bash -c '
    exec 3<>"/dev/tcp/127.0.0.1/$0" || exit 1
    printf "INFO server\r\nQUIT\r\n" >&3
    cat <&3' "$1" 2>/dev/null | tr -d '\r' | sed -n 's/^process_id://p' || true
}
