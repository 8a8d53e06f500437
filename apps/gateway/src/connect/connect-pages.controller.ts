import { Body, Controller, Get, Post, Query, Req, Res, UseGuards } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CONSENT_FIELDS, consentPage } from '../oauth/consent.view';
import { preselectedRecord } from '../oauth/consent-rules';
import { formField } from '../persons/form-input';
import { CsrfService } from '../web/csrf';
import { seeOther, sendHtml } from '../web/page';
import { SignedIn, SignedInGuard, type SignedInSession } from '../web/session';
import { WebPages } from '../web/web-pages.decorator';
import { ConnectCookie } from './connect-cookie';
import { type ApproveOutcome, ConnectFlowService } from './connect-flow.service';
import {
  BAD_CODE,
  CONNECT_FIELDS,
  PICKUP_EXPIRED,
  RATE_LIMITED,
  codePage,
  connectedPage,
  deniedPage,
  failedPage,
  lockedPage,
  pickupContext,
  questionPage,
} from './connect.views';

const CONSENT_ACTION = '/connect/consent';

/** Repeated form fields (optional_rules) as a list of strings. */
function formList(body: unknown, name: string): string[] {
  const v = typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[name] : undefined;
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : typeof v === 'string' ? [v] : [];
}

/**
 * /connect: a signed-in person picks up a connect request. The code is typed (or prefilled from the
 * pickup URL) and posted once; from then on the pickup's ticket lives in the cv_connect cookie only.
 */
@WebPages()
@UseGuards(SignedInGuard)
@Controller('connect')
export class ConnectPagesController {
  constructor(
    private readonly flow: ConnectFlowService,
    private readonly pickups: ConnectCookie,
    private readonly csrf: CsrfService,
  ) {}

  @Get()
  codeForm(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @SignedIn() session: SignedInSession, @Query('code') code: unknown): FastifyReply {
    const prefill = typeof code === 'string' ? code.slice(0, 100) : '';
    return sendHtml(reply, codePage({ csrf: this.csrf.tokenFor(req, reply), person: session.person, code: prefill }));
  }

  /** `code`: the first step; `answer`: the second (the ticket comes from the cookie). */
  @Post()
  async step(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @SignedIn() session: SignedInSession, @Body() body: unknown): Promise<FastifyReply> {
    const base = { csrf: this.csrf.tokenFor(req, reply), person: session.person };
    const answered = typeof body === 'object' && body !== null && CONNECT_FIELDS.answer in body;
    if (!answered) {
      const code = formField(body, CONNECT_FIELDS.code).trim();
      if (!code) return sendHtml(reply, codePage({ ...base, code, error: 'Enter the pickup code you were given.' }), 400);
      const out = await this.flow.enterCode(session, code, req.ip, req.id);
      if (out.kind === 'question') {
        this.pickups.set(reply, out.pickup, out.expiresAt);
        return sendHtml(reply, questionPage({ ...base, appName: out.appName, question: out.question }));
      }
      return this.render(reply, base, out);
    }
    const pickup = this.pickups.read(req);
    if (!pickup) return this.render(reply, base, { kind: 'expired' });
    const out = await this.flow.answer(session, pickup, formField(body, CONNECT_FIELDS.answer), req.ip, req.id);
    if (out.kind === 'answered') return seeOther(reply, CONSENT_ACTION);
    return this.render(reply, base, out);
  }

  @Get('consent')
  async consentForm(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @SignedIn() session: SignedInSession): Promise<FastifyReply> {
    const base = { csrf: this.csrf.tokenFor(req, reply), person: session.person };
    const pickup = this.pickups.read(req);
    if (!pickup) return seeOther(reply, '/connect');
    return this.render(reply, base, await this.flow.consent(session, pickup, req.id));
  }

  @Post('consent')
  async decide(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @SignedIn() session: SignedInSession, @Body() body: unknown): Promise<FastifyReply> {
    const base = { csrf: this.csrf.tokenFor(req, reply), person: session.person };
    const pickup = this.pickups.read(req);
    if (!pickup) return this.render(reply, base, { kind: 'expired' });
    if (formField(body, CONSENT_FIELDS.decision) === 'deny') {
      this.pickups.clear(reply);
      return sendHtml(reply, deniedPage(base));
    }
    const optional = formList(body, CONSENT_FIELDS.optional);
    if (formField(body, CONSENT_FIELDS.decision) !== 'approve') {
      const error = { message: 'Choose the record the application may use, then press Allow or Deny.', details: [], fields: [CONSENT_FIELDS.record] };
      return this.render(reply, base, await this.flow.consent(session, pickup, req.id, error), optional);
    }
    const out = await this.flow.approve(session, pickup, formField(body, CONSENT_FIELDS.record), optional, req.id);
    return this.render(reply, base, out, optional, formField(body, CONSENT_FIELDS.record));
  }

  /** Every outcome of a step as its page; a pickup that ended (done, locked, expired, failed) forgets its cookie. */
  private render(reply: FastifyReply, base: { csrf: string; person: { name: string } }, out: ApproveOutcome, checked: string[] = [], recordId?: string): FastifyReply {
    switch (out.kind) {
      case 'bad-code':
        return sendHtml(reply, codePage({ ...base, code: '', error: BAD_CODE }), 400);
      case 'rate-limited':
        return sendHtml(reply, codePage({ ...base, code: '', error: RATE_LIMITED }), 429);
      case 'expired':
        this.pickups.clear(reply);
        return sendHtml(reply, codePage({ ...base, code: '', error: PICKUP_EXPIRED }), 400);
      case 'locked':
        this.pickups.clear(reply);
        return sendHtml(reply, lockedPage({ ...base, appName: out.appName }), 429);
      case 'failed':
        this.pickups.clear(reply);
        return sendHtml(reply, failedPage({ ...base, appName: out.appName }), 409);
      case 'question':
        return sendHtml(reply, questionPage({ ...base, appName: out.appName, question: out.question, error: out.error }), out.error ? 400 : 200);
      case 'consent': {
        const selected = out.error ? (out.records.some((r) => r.id === recordId) ? (recordId ?? null) : null) : preselectedRecord(undefined, out.records.map((r) => r.id));
        const page = consentPage({
          ...base,
          action: CONSENT_ACTION,
          context: pickupContext(out.friendlyName),
          app: out.app,
          records: out.records,
          selectedRecordId: selected,
          checkedOptional: checked,
          reauthorization: false,
          error: out.error,
        });
        return sendHtml(reply, page, out.error ? 400 : 200);
      }
      case 'connected':
        this.pickups.clear(reply);
        return sendHtml(reply, connectedPage({ ...base, appName: out.app.name, recordName: out.record.name }));
    }
  }
}
