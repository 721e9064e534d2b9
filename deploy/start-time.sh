#!/bin/bash
# usage: PUBLISHED=<dotnet publish output> deploy/start-time.sh DATADIR PORT
# Starts the published portal (Development, demo agency) on DATADIR and prints the ms until the
# sign-in page answers 200, every /health state seen and when, and the start-up steps logged.
d=$1; port=$2
cd "${PUBLISHED:-/tmp/rel}"
start=$(date +%s%N)
ASPNETCORE_ENVIRONMENT=Development ConnectionStrings__Portal="Data Source=$d/portal.db" Storage__Root=$d/files ASPNETCORE_URLS=http://127.0.0.1:$port dotnet InfoPortal.dll > $d/log.txt 2>&1 &
pid=$!
login=""; health=""; seen=""
while true; do
  now=$(date +%s%N)
  if [ -z "$login" ]; then c=$(curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:$port/account/login); [ "$c" = 200 ] && login=$(( (now-start)/1000000 )); fi
  r=$(curl -s -w ' %{http_code}' http://127.0.0.1:$port/health)
  case "$seen" in *"$r"*) ;; *) seen="$seen|$r@$(( (now-start)/1000000 ))";; esac
  if [ "${r##* }" = 200 ]; then health=$(( (now-start)/1000000 )); break; fi
  [ $(( (now-start)/1000000000 )) -gt 90 ] && break
  sleep 0.05
done
echo "login200=${login}ms health200=${health}ms seen=$seen"
kill $pid; wait $pid 2>/dev/null
grep -o "Start-up steps.*" $d/log.txt | head -1
