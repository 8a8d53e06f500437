import { Body, Controller, Get, Post, Req, Res, UseGuards } from '@nestjs/common';
import { ErrorCode } from '@carevault/contracts';
import { RpcError } from '@carevault/platform';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { formField } from '../persons/form-input';
import { CsrfService } from '../web/csrf';
import type { FormError } from '../web/forms';
import { seeOther, sendHtml } from '../web/page';
import { SignedIn, SignedInGuard, type SignedInSession } from '../web/session';
import { WebPages } from '../web/web-pages.decorator';
import { REVOKE_FIELDS, appsPage } from './apps.view';
import { ConnectedAppsService } from './connected-apps.service';
import { FlashMessages } from './flash';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const NO_SUCH_GRANT: FormError = {
  message: 'That application does not have access to any of your records. Perhaps it was revoked already.',
  details: [],
  fields: [],
};

/** /apps: the applications that may use the person's records, and revoking one (POST /apps/revoke `grant_id`). */
@WebPages()
@Controller('apps')
export class AppsPageController {
  constructor(
    private readonly connected: ConnectedAppsService,
    private readonly csrf: CsrfService,
    private readonly flash: FlashMessages,
  ) {}

  @Get()
  @UseGuards(SignedInGuard)
  async list(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @SignedIn() session: SignedInSession): Promise<FastifyReply> {
    const records = await this.connected.forPerson(session.person.id, req.id);
    const flash = this.flash.take(req, reply);
    return sendHtml(reply, appsPage({ csrf: this.csrf.tokenFor(req, reply), person: session.person, records, flash }));
  }

  /** Where a sign-in interrupted by POST /apps/revoke comes back to. */
  @Get('revoke')
  back(@Res() reply: FastifyReply): FastifyReply {
    return seeOther(reply, '/apps');
  }

  @Post('revoke')
  @UseGuards(SignedInGuard)
  async revoke(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @SignedIn() session: SignedInSession, @Body() body: unknown): Promise<FastifyReply> {
    const grantId = formField(body, REVOKE_FIELDS.grant);
    try {
      if (!UUID.test(grantId)) throw new RpcError({ code: ErrorCode.NOT_FOUND, message: 'no such grant' });
      this.flash.set(reply, await this.connected.revoke(session.person.id, grantId, req.id));
      return seeOther(reply, '/apps');
    } catch (err) {
      // A grant on someone else's record looks exactly like one that does not exist.
      if (!(err instanceof RpcError) || (err.code !== ErrorCode.NOT_FOUND && err.code !== ErrorCode.VALIDATION_FAILED)) throw err;
      const records = await this.connected.forPerson(session.person.id, req.id);
      return sendHtml(reply, appsPage({ csrf: this.csrf.tokenFor(req, reply), person: session.person, records, error: NO_SUCH_GRANT }), 404);
    }
  }
}
