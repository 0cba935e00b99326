#!/usr/bin/env bash
# Issue #21's load: 200 keep-alive clients read PATH for DURATION with wrk
# while 4 writers each create 50 pets, against examples/mockserver on a
# store. Prints reads/s, failed reads (non-2xx, socket errors), creates
# acknowledged and counted, the server's peak RSS and whether it is alive.
#
#   bash scripts/load.sh memory
#   bash scripts/load.sh sqlite:/tmp/load.db '/pets?limit=20' 20s
#   bash scripts/load.sh "$MOCKAPI_TEST_POSTGRES" /pets/1
set -euo pipefail
store=${1:-memory} path=${2:-/pets?limit=20} dur=${3:-20s} port=${PORT:-4199}
dir=$(mktemp -d)
go build -o "$dir/mockserver" ./examples/mockserver
"$dir/mockserver" -addr 127.0.0.1:$port -store "$store" -no-security -seed 1 >"$dir/server.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
for _ in $(seq 50); do curl -sf -o /dev/null http://127.0.0.1:$port/health && break; sleep 0.2; done
total() { curl -s -D - -o /dev/null "http://127.0.0.1:$port/pets?limit=1" | tr -d '\r' | awk 'tolower($1)=="x-total-count:" {print $2}'; }
before=$(total)
( while kill -0 $pid 2>/dev/null; do ps -o rss= -p $pid || true; sleep 0.5; done ) >"$dir/rss" &
rss=$!
writers=""
for w in 1 2 3 4; do
  ( n=0
    for i in $(seq 50); do
      s=$(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' \
        -d "{\"name\":\"w$w-$i\",\"species\":\"dog\"}" http://127.0.0.1:$port/pets)
      [ "$s" = 201 ] && n=$((n+1))
      sleep 0.3
    done
    echo $n >"$dir/created.$w" ) &
  writers="$writers $!"
done
wrk -t2 -c200 -d"$dur" "http://127.0.0.1:$port$path" >"$dir/wrk"
wait $writers
echo "store=$store path=$path"
grep -E "Requests/sec|Non-2xx|Socket errors|requests in" "$dir/wrk"
echo "creates acknowledged: $(cat "$dir"/created.* | paste -sd+ | bc)/200, X-Total-Count $before -> $(total)"
echo "alive: $(curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:$port/health), peak RSS: $(( $(sort -n "$dir/rss" | tail -1) / 1024 )) MiB"
echo "server log lines at WARN or ERROR: $(grep -cE 'level=(WARN|ERROR)' "$dir/server.log" || true)"
kill $rss 2>/dev/null || true
