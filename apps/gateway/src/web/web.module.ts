import { Module } from '@nestjs/common';
import { AssetsController } from './assets.controller';
import { CookieWriter } from './cookies';
import { CsrfService } from './csrf';
import { CsrfGuard } from './csrf.guard';
import { PageExceptionFilter } from './page-exception.filter';
import { SessionService, SignedInGuard } from './session';

/** What every person-facing page shares: layout assets, CSRF, the session cookie, HTML error pages. */
@Module({
  controllers: [AssetsController],
  providers: [CookieWriter, CsrfService, CsrfGuard, SessionService, SignedInGuard, PageExceptionFilter],
  exports: [CsrfService, CsrfGuard, SessionService, SignedInGuard, PageExceptionFilter],
})
export class WebModule {}
