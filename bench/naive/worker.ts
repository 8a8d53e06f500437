import 'reflect-metadata';
import { Controller, Injectable, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { MessagePattern, type MicroserviceOptions, Payload, Transport } from '@nestjs/microservices';
import { InjectRepository, TypeOrmModule } from '@nestjs/typeorm';
import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, type Repository } from 'typeorm';

// The naive composite baseline, service side: a NestJS NATS microservice that stores what it is sent
// with TypeORM `save()` (BEGIN / INSERT ... RETURNING / COMMIT). No validation, no version row, no audit.

@Entity({ schema: 'bench_naive', name: 'items' })
export class NaiveItem {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('uuid') recordId: string;
  @Column('text') type: string;
  @Column('jsonb') resource: Record<string, unknown>;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
}

@Injectable()
export class NaiveItemsService {
  constructor(@InjectRepository(NaiveItem) private readonly items: Repository<NaiveItem>) {}

  create(recordId: string, resource: Record<string, unknown>): Promise<NaiveItem> {
    return this.items.save(this.items.create({ recordId, type: String(resource.resourceType), resource }));
  }
}

@Controller()
export class NaiveItemsHandlers {
  constructor(private readonly items: NaiveItemsService) {}

  @MessagePattern('naive.items.create')
  create(@Payload() dto: { recordId: string; resource: Record<string, unknown> }): Promise<NaiveItem> {
    return this.items.create(dto.recordId, dto.resource);
  }
}

@Module({
  imports: [
    TypeOrmModule.forRoot({
      type: 'postgres',
      url: process.env.DATABASE_URL,
      entities: [NaiveItem],
      synchronize: true,
      uuidExtension: 'pgcrypto',
      extra: { max: Number(process.env.DB_POOL_SIZE ?? 10) },
    }),
    TypeOrmModule.forFeature([NaiveItem]),
  ],
  controllers: [NaiveItemsHandlers],
  providers: [NaiveItemsService],
})
export class NaiveWorkerModule {}

async function main(): Promise<void> {
  const app = await NestFactory.createMicroservice<MicroserviceOptions>(NaiveWorkerModule, {
    transport: Transport.NATS,
    options: { servers: [process.env.NATS_URL ?? 'nats://127.0.0.1:4222'], queue: 'bench-naive-worker' },
    logger: ['error'],
  });
  app.enableShutdownHooks();
  await app.listen();
  process.stdout.write('naive worker ready\n');
}

void main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
