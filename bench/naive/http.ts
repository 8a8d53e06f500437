import 'reflect-metadata';
import { Body, Controller, HttpCode, Inject, Module, Param, Post } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ClientProxy, ClientsModule, Transport } from '@nestjs/microservices';
import { firstValueFrom } from 'rxjs';

// The naive composite baseline, HTTP side: NestJS on express (its default adapter) → ClientProxy.send
// over NATS → the naive worker. What a first NestJS microservice typically looks like.

@Controller('records/:recordId/items')
export class NaiveItemsController {
  constructor(@Inject('NAIVE') private readonly client: ClientProxy) {}

  @Post()
  @HttpCode(201)
  create(@Param('recordId') recordId: string, @Body() resource: Record<string, unknown>): Promise<unknown> {
    return firstValueFrom(this.client.send('naive.items.create', { recordId, resource }));
  }
}

@Module({
  imports: [ClientsModule.register([{ name: 'NAIVE', transport: Transport.NATS, options: { servers: [process.env.NATS_URL ?? 'nats://127.0.0.1:4222'] } }])],
  controllers: [NaiveItemsController],
})
export class NaiveHttpModule {}

async function main(): Promise<void> {
  // No adapter given: Nest's default, express (@nestjs/platform-express, a devDependency for this baseline only).
  const app = await NestFactory.create(NaiveHttpModule, { logger: ['error'] });
  app.enableShutdownHooks();
  await app.listen(Number(process.env.PORT ?? 3000), '127.0.0.1');
  process.stdout.write('naive http ready (express)\n');
}

if (require.main === module) {
  void main().catch((err: unknown) => {
    process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  });
}
