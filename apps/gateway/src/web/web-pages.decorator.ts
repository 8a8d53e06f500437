import { UseFilters, UseGuards, applyDecorators } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { CsrfGuard } from './csrf.guard';
import { PageExceptionFilter } from './page-exception.filter';

/**
 * Marks a controller of person-facing HTML pages: CSRF-checked POSTs, HTML error pages, not in the
 * OpenAPI document. Every page controller (sign-in, consent, /connect, /device, /apps) uses it.
 */
export function WebPages(): ClassDecorator {
  return applyDecorators(UseFilters(PageExceptionFilter), UseGuards(CsrfGuard), ApiExcludeController());
}
