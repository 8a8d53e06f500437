import { Module } from '@nestjs/common';
import { IngestConsumer } from '../ingest/ingest.consumer';
import { AppNames } from '../queries/app-names';
import { QueriesHandlers } from '../queries/queries.handlers';
import { QueriesService } from '../queries/queries.service';
import { VerifyHandlers } from '../verify/verify.handlers';
import { LedgerRepository } from './ledger.repository';

/** The audit trail: ingestion from JetStream, reads (themselves audited) and chain verification. */
@Module({
  controllers: [QueriesHandlers, VerifyHandlers],
  providers: [LedgerRepository, IngestConsumer, QueriesService, AppNames],
})
export class LedgerModule {}
