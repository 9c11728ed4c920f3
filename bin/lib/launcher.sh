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
