# The transports alone, no discovery: Nest's TCP transport (ClientTCP → ServerTCP) beside the fast lane's connection → DiscoveryTcpServer,
# the same Nest @MessagePattern handler, 32 callers in one client process; client CPU per call from the driver, server CPU from /proc.
# bash bench/nest-tcp/run.sh (alternates nest, fast twice).
cd "$(dirname "$0")/../.."
for KIND in nest fast nest fast; do
  PORT=$((40000 + RANDOM % 20000))
  KIND=$KIND PORT=$PORT npx ts-node -r tsconfig-paths/register --transpile-only bench/nest-tcp/server.ts > /tmp/wt20nest-server.log 2>&1 &
  SP=$!
  for i in $(seq 100); do grep -q ready /tmp/wt20nest-server.log && break; sleep 0.2; done
  SPID=$(grep -o "ready [0-9]*" /tmp/wt20nest-server.log | cut -d" " -f2)
  C0=$(awk '{print $14+$15}' /proc/$SPID/stat)
  OUT=$(KIND=$KIND PORT=$PORT DURATION=5 npx ts-node -r tsconfig-paths/register --transpile-only bench/nest-tcp/driver.ts)
  C1=$(awk '{print $14+$15}' /proc/$SPID/stat)
  CALLS=$(echo $OUT | sed 's/.*"calls":\([0-9]*\).*/\1/')
  echo "$KIND $OUT serverCpuUs=$(echo "($C1-$C0)*10000/$CALLS" | bc -l | cut -c1-5)"
  kill $SP $SPID 2>/dev/null; wait $SP 2>/dev/null
done
