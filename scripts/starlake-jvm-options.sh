#!/usr/bin/env bash
# JVM options that start every real Starlake command about twice as fast, printed on stdout, for
# SL_JAVA_OPTS (which the `starlake` launcher passes to java). Usage:
#   SL_JAVA_OPTS="$(bash scripts/starlake-jvm-options.sh "$starlake")"
# Each Starlake command starts a JVM that loads some 20,000 classes of Spark and Starlake before it
# does anything. A class-data archive (Java's AppCDS) holds them already parsed and verified:
# measured on this 2-core machine, a `load` of the minimal example takes 8 s instead of 18 s and a
# `transform` 3.5 s instead of 8 s (docs/benchmarks.md). With -XX:TieredStopAtLevel=1 the JIT
# stops at its quick tier, which suits short commands on small files; leave it out for big loads.
# The archive (about 180 MB) is made once per Starlake installation and Java version, by running a
# load of the minimal example in a temporary copy (about 45 s), and cached outside the repository.
# When it cannot be made, nothing is printed: the commands still run, only slower.
set -euo pipefail
starlake="$1"
repo="$(cd "$(dirname "$0")/.." && pwd)"
cache="${XDG_CACHE_HOME:-$HOME/.cache}/slo/starlake-cds"
mkdir -p "$cache"
launcher="$(readlink -f "$starlake")"
home="$(cd "$(dirname "$launcher")/.." && pwd)"
# A new Starlake (other jars) or another Java must not reuse an archive: the JVM would refuse it.
key="$({ echo "$launcher"; java -version 2>&1; ls -l "$home" "$home/lib" 2>/dev/null || true; } | sha256sum | cut -c1-16)"
archive="$cache/starlake-$key.jsa"
if [ ! -s "$archive" ]; then
  exec 9>"$cache/.lock"
  flock 9 # parallel test workers: one makes it, the others wait for it
  if [ ! -s "$archive" ]; then
    work="$(mktemp -d)"
    trap 'rm -rf "$work"' EXIT
    cp -r "$repo/examples/minimal" "$work/minimal"
    (cd "$work/minimal" &&
      SL_ROOT="$work/minimal" SL_ENV=DUCKDB SL_JAVA_OPTS="-XX:ArchiveClassesAtExit=$work/classes.jsa" \
        timeout 900 "$starlake" load --domains garden --tables plants >"$work/log" 2>&1) || true
    if [ -s "$work/classes.jsa" ]; then
      mv "$work/classes.jsa" "$archive.part.$$" && mv "$archive.part.$$" "$archive"
    else
      echo "starlake-jvm-options: no class-data archive made, commands start at normal speed ($(tail -3 "$work/log" | tr '\n' ' '))" >&2
      exit 0
    fi
  fi
fi
echo "-XX:SharedArchiveFile=$archive -XX:TieredStopAtLevel=1"
