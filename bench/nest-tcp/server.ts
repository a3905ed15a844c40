// A Nest microservice serving `add` over Nest's TCP transport (kind=nest) or the fast lane (kind=fast).
import 'reflect-metadata';
import { Controller, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { MessagePattern, Payload, Transport } from '@nestjs/microservices';
import { DiscoveryTcpServer } from '../../libs/discovery/src/tcp/tcp-server.transport';

@Controller()
class AddController {
  @MessagePattern('add')
  add(@Payload() d: { a: number; b: number }) {
    return { result: d.a + d.b };
  }
}
@Module({ controllers: [AddController] })
class AppModule {}

async function main() {
  const port = Number(process.env.PORT);
  const options =
    process.env.KIND === 'nest'
      ? { transport: Transport.TCP, options: { host: '127.0.0.1', port } }
      : { strategy: new DiscoveryTcpServer({ host: '127.0.0.1', port }) };
  const app = await NestFactory.createMicroservice(AppModule, { ...(options as object), logger: false });
  await app.listen();
  console.log('ready ' + process.pid);
}
void main();
