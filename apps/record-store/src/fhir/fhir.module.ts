import { Module } from '@nestjs/common';
import { PINO_LOGGER } from '@carevault/platform';
import type { Logger } from 'pino';
import { loadFhirDefinitions } from './fhir-definitions';
import { FhirValidator } from './fhir-validator';

/** Loads the FHIR R4 definitions once, at boot (about a second, in a worker; ~30 MB of heap for the index). */
@Module({
  providers: [
    {
      provide: FhirValidator,
      inject: [PINO_LOGGER],
      useFactory: async (logger: Logger) => {
        const stats = await loadFhirDefinitions();
        logger.info({ fhirLoadMs: stats.ms, fhirRssMb: stats.rssMb, fhirHeapMb: stats.heapMb }, 'FHIR R4 definitions indexed');
        return new FhirValidator();
      },
    },
  ],
  exports: [FhirValidator],
})
export class FhirModule {}
