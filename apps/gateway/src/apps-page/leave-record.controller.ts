import { Body, Controller, Get, Post, Query, Req, Res, UseGuards } from '@nestjs/common';
import { ErrorCode, IdentityCmd } from '@carevault/contracts';
import { RpcClient, RpcError } from '@carevault/platform';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ProblemException } from '../errors/problem.exception';
import { formField } from '../persons/form-input';
import { CsrfService } from '../web/csrf';
import { seeOther, sendHtml } from '../web/page';
import { SignedIn, SignedInGuard, type SignedInSession } from '../web/session';
import { WebPages } from '../web/web-pages.decorator';
import { ConnectedAppsService } from './connected-apps.service';
import { FlashMessages } from './flash';
import { LEAVE_FIELDS, leaveRecordPage, onlyCustodianMessage } from './leave-record.view';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * "Stop being a custodian" of a record: a confirmation page (GET /records/leave?record_id=) and the
 * form it posts (POST /records/leave `record_id`). The grants the person made there are revoked.
 */
@WebPages()
@Controller('records/leave')
export class LeaveRecordController {
  constructor(
    private readonly rpc: RpcClient,
    private readonly connected: ConnectedAppsService,
    private readonly csrf: CsrfService,
    private readonly flash: FlashMessages,
  ) {}

  @Get()
  @UseGuards(SignedInGuard)
  async confirm(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @SignedIn() session: SignedInSession, @Query(LEAVE_FIELDS.record) recordId: unknown): Promise<FastifyReply> {
    // Back from a sign-in that interrupted the POST: nothing to confirm, start again from the records.
    if (recordId === undefined) return seeOther(reply, '/records');
    return this.render(req, reply, session, this.recordIdOf(recordId));
  }

  @Post()
  @UseGuards(SignedInGuard)
  async leave(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @SignedIn() session: SignedInSession, @Body() body: unknown): Promise<FastifyReply> {
    const personId = session.person.id;
    const record = await this.rpc.request(IdentityCmd.GetRecord, { personId, recordId: this.recordIdOf(formField(body, LEAVE_FIELDS.record)) }, { correlationId: req.id });
    const appNames = await this.connected.authorizedBy(personId, record.id, req.id);
    try {
      this.flash.set(reply, await this.connected.leave(personId, record, appNames, req.id));
      return seeOther(reply, '/apps');
    } catch (err) {
      // Another custodian left a moment before: the page now says why this one cannot.
      if (!(err instanceof RpcError) || err.code !== ErrorCode.CONFLICT) throw err;
      return this.render(req, reply, session, record.id, 409, onlyCustodianMessage(record.name));
    }
  }

  private async render(req: FastifyRequest, reply: FastifyReply, session: SignedInSession, recordId: string, status = 200, error?: string): Promise<FastifyReply> {
    const personId = session.person.id;
    const record = await this.rpc.request(IdentityCmd.GetRecord, { personId, recordId }, { correlationId: req.id });
    const appNames = await this.connected.authorizedBy(personId, record.id, req.id);
    const page = leaveRecordPage({
      csrf: this.csrf.tokenFor(req, reply),
      person: session.person,
      record,
      appNames,
      error: error ? { message: error, details: [], fields: [] } : undefined,
    });
    return sendHtml(reply, page, status);
  }

  /** A record id that is not one looks like a record that does not exist. */
  private recordIdOf(value: unknown): string {
    if (typeof value !== 'string' || !UUID.test(value)) throw new ProblemException(ErrorCode.NOT_FOUND, 'No such record.');
    return value;
  }
}
