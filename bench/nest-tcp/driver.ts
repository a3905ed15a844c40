// 32 concurrent callers for DURATION s: Nest's ClientTCP (kind=nest) or the fast lane's connection (kind=fast).
import 'reflect-metadata';
import { ClientProxyFactory, Transport } from '@nestjs/microservices';
import { lastValueFrom } from 'rxjs';
import { TcpConnectionPool } from '../../libs/discovery/src/tcp/tcp-connection.pool';

async function main() {
  const port = Number(process.env.PORT);
  let call: () => Promise<unknown>;
  if (process.env.KIND === 'nest') {
    const client = ClientProxyFactory.create({ transport: Transport.TCP, options: { host: '127.0.0.1', port } });
    await client.connect();
    call = () => lastValueFrom(client.send('add', { a: 1, b: 2 }));
  } else {
    const pool = new TcpConnectionPool(1);
    const at = { host: '127.0.0.1', port } as never;
    call = () => pool.get(at).call({ pattern: 'add', data: { a: 1, b: 2 } }, 5000);
  }
  for (let i = 0; i < 2000; i++) await call();
  const end = Date.now() + Number(process.env.DURATION ?? 5) * 1000;
  let n = 0;
  const cpu0 = process.cpuUsage();
  const t0 = Date.now();
  await Promise.all(Array.from({ length: 32 }, async () => { while (Date.now() < end) { await call(); n++; } }));
  const cpu = process.cpuUsage(cpu0);
  console.log(JSON.stringify({ calls: n, perSec: Math.round(n / ((Date.now() - t0) / 1000)), clientCpuUs: +((cpu.user + cpu.system) / n).toFixed(1) }));
  process.exit(0);
}
void main();
