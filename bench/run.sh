#!/usr/bin/env bash
# Tavle's reproducible benchmark: builds release binaries, makes a synthetic organisation (with
# its learning data: 200 courses, 2,000,000 progress rows at 10,000 people), serves it, and runs
# the load scenarios, then the progress writer on its own; then times a 100,000-row import and a
# 100,000-person dataset.
#
#   bench/run.sh [sqlite|postgres] [PEOPLE]      (defaults: sqlite 10000)
#   SCENARIOS="dashboard matrix" bench/run.sh    (only these; `writer` needs no server)
#
# PostgreSQL uses TAVLE_BENCH_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432) and
# (re)creates the databases tavle_bench and tavle_bench_big there.
set -euo pipefail
cd "$(dirname "$0")/.."
backend=${1:-sqlite}
people=${2:-10000}
concurrency=${CONCURRENCY:-16}
duration=${DURATION:-20}
port=${PORT:-18080}

cargo build --release -p tavle -p tavle-load
tavle=./target/release/tavle
load=./target/release/tavle-load
work=$(mktemp -d)
trap 'kill $server 2>/dev/null || true; rm -rf "$work"' EXIT

server_url=${TAVLE_BENCH_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432}
db_args() { # $1: database name
  if [ "$backend" = postgres ]; then
    psql "$server_url/postgres" -qc "DROP DATABASE IF EXISTS $1 WITH (FORCE)" -c "CREATE DATABASE $1" >/dev/null
    echo "--database-url $server_url/$1"
  else
    echo "--data-dir $work/$1"
  fi
}
# Where the load tool reads its setup (which courses people take) and the writer writes.
db_location() { # $1: database name
  if [ "$backend" = postgres ]; then echo "--database-url $server_url/$1"; else echo "--data-dir $work/$1"; fi
}
scenarios=${SCENARIOS:-ceiling profile people people-jump mixed dashboard course matrix progress writer}

echo "== $backend, $(nproc) cores"
args=$(db_args tavle_bench)
echo "== dataset of $people people"
/usr/bin/time -f "   %e s wall, %M KB peak" $tavle $args dataset --people "$people" --org bench

echo "== serving"
TAVLE_LOG_FILTER=warn $tavle $args serve --addr 127.0.0.1:$port &
server=$!
for _ in $(seq 1 50); do curl -fs http://127.0.0.1:$port/readyz >/dev/null && break; sleep 0.2; done

location=$(db_location tavle_bench)
for scenario in $scenarios; do
  [ "$scenario" = writer ] && continue
  c=$concurrency
  # Progress writes wait for a group commit: more clients in flight make bigger batches.
  [ "$scenario" = progress ] && c=${PROGRESS_CONCURRENCY:-64}
  echo "== load: $scenario"
  $load --url http://127.0.0.1:$port --org bench --scenario $scenario --users 64 \
        --concurrency "$c" --duration "$duration" --server-pid $server $location
done
kill $server; wait $server 2>/dev/null || true

case " $scenarios " in *" writer "*)
  echo "== progress writer (group commit), no server"
  $load --org bench --scenario writer --concurrency "${WRITER_CONCURRENCY:-512}" \
        --duration "$duration" $location ;;
esac

echo "== import of 100,000 rows"
big=$(db_args tavle_bench_big)
$tavle $big dataset --people 1 --org importbench >/dev/null
python3 bench/hr_csv.py 100000 > "$work/hr.csv"
/usr/bin/time -f "   %e s wall, %M KB peak" $tavle $big import people "$work/hr.csv" --org importbench

echo "== dataset of 100,000 people"
/usr/bin/time -f "   %e s wall, %M KB peak" $tavle $big dataset --people 100000 --org big
