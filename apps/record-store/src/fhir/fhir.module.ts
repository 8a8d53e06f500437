import { Module } from '@nestjs/common';
import { PINO_LOGGER } from '@carevault/platform';
import type { Logger } from 'pino';
import { FhirValidator, loadFhirDefinitions } from './fhir-validator';

/** Loads the FHIR R4 definitions once, at boot (about a second and ~100 MB RSS; see the README of this app). */
@Module({
  providers: [
    {
      provide: FhirValidator,
      inject: [PINO_LOGGER],
      useFactory: (logger: Logger) => {
        const stats = loadFhirDefinitions();
        logger.info({ fhirLoadMs: stats.ms, fhirRssMb: stats.rssMb, fhirHeapMb: stats.heapMb }, 'FHIR R4 definitions indexed');
        return new FhirValidator();
      },
    },
  ],
  exports: [FhirValidator],
})
export class FhirModule {}
