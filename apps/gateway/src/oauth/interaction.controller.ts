import { Body, Controller, Get, Inject, Param, Post, Req, Res } from '@nestjs/common';
import type { RecordView } from '@carevault/contracts';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { InteractionResults, Provider } from 'oidc-provider';
import { formFailure } from '../persons/form-input';
import { CsrfService } from '../web/csrf';
import type { FormError } from '../web/forms';
import { html } from '../web/html';
import { seeOther, sendHtml } from '../web/page';
import { errorPage } from '../web/page-exception.filter';
import { SessionService, type SignedInSession } from '../web/session';
import { WebPages } from '../web/web-pages.decorator';
import { type ConsentContext, ConsentFlowService, type InteractionParams } from './consent-flow.service';
import { deviceInstanceContext } from '../device/device-pages';
import { coversRequiredRules } from './consent-rules';
import { CONSENT_FIELDS, consentPage } from './consent.view';
import { OAUTH_PROVIDER, OAUTH_SETTINGS } from './oauth.tokens';
import type { OAuthSettings } from './oauth.config';
import { asPublicRequest } from './public-request';

type Details = Awaited<ReturnType<Provider['interactionDetails']>>;

const field = (body: unknown, name: string): unknown => (typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[name] : undefined);
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : typeof v === 'string' ? [v] : []);

/**
 * /oauth/interaction/:uid — oidc-provider sends every authorization (and device confirmation) here.
 * Signed in (cv_session): finish login with accountId = personId and either skip consent (an active
 * grant covers the current required rules) or show the consent page. Not signed in: /signin?next=here.
 */
@WebPages()
@Controller('oauth/interaction')
export class InteractionController {
  constructor(
    @Inject(OAUTH_PROVIDER) private readonly provider: Provider,
    @Inject(OAUTH_SETTINGS) private readonly settings: OAuthSettings,
    private readonly flow: ConsentFlowService,
    private readonly sessions: SessionService,
    private readonly csrf: CsrfService,
  ) {}

  @Get(':uid')
  async show(@Param('uid') uid: string, @Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<FastifyReply | void> {
    const details = await this.details(uid, req, reply);
    if (!details) return expired(reply);
    const session = await this.signedIn(req, reply);
    if (!session) return seeOther(reply, `/signin?next=${encodeURIComponent(`/oauth/interaction/${uid}`)}`);
    const ctx = await this.flow.load(details.params as InteractionParams, session, req.id);
    if (ctx.skip && ctx.existing) {
      const grantId = await this.flow.bindOAuthGrant(ctx.app, session, ctx.existing, req.id);
      return this.finish(req, reply, { login: { accountId: session.person.id }, consent: { grantId } });
    }
    return this.page(req, reply, uid, session, ctx, []);
  }

  @Post(':uid')
  async decide(@Param('uid') uid: string, @Req() req: FastifyRequest, @Res() reply: FastifyReply, @Body() body: unknown): Promise<FastifyReply | void> {
    const details = await this.details(uid, req, reply);
    if (!details || field(body, CONSENT_FIELDS.request) !== details.uid) return expired(reply);
    const session = await this.signedIn(req, reply);
    if (!session) return seeOther(reply, `/signin?next=${encodeURIComponent(`/oauth/interaction/${uid}`)}`);
    if (field(body, CONSENT_FIELDS.decision) === 'deny') {
      return this.finish(req, reply, { error: 'access_denied', error_description: 'the person did not allow the application' });
    }
    const ctx = await this.flow.load(details.params as InteractionParams, session, req.id);
    const recordId = field(body, CONSENT_FIELDS.record);
    const optional = strings(field(body, CONSENT_FIELDS.optional));
    if (field(body, CONSENT_FIELDS.decision) !== 'approve' || typeof recordId !== 'string' || !ctx.records.some((r) => r.id === recordId)) {
      const error = { message: 'Choose the record the application may use, then press Allow or Deny.', details: [], fields: [CONSENT_FIELDS.record] };
      return this.page(req, reply, uid, session, { ...ctx, selectedRecordId: null }, optional, error, 400);
    }
    try {
      const grant = await this.flow.approve(ctx.app, session, recordId, optional, req.id);
      const grantId = await this.flow.bindOAuthGrant(ctx.app, session, grant, req.id, ctx.instanceName);
      return this.finish(req, reply, { login: { accountId: session.person.id }, consent: { grantId } });
    } catch (err) {
      const failure = formFailure(err);
      return this.page(req, reply, uid, session, { ...ctx, selectedRecordId: recordId }, optional, failure.error, failure.status);
    }
  }

  private page(req: FastifyRequest, reply: FastifyReply, uid: string, session: SignedInSession, ctx: ConsentContext, checked: string[], error?: FormError, status = 200) {
    const page = consentPage({
      csrf: this.csrf.tokenFor(req, reply),
      action: `/oauth/interaction/${uid}`,
      request: uid,
      person: session.person,
      app: ctx.app,
      records: ctx.records as RecordView[],
      selectedRecordId: ctx.selectedRecordId,
      checkedOptional: checked,
      // A device application's next instance on a record it holds a grant on is a new device, not a re-authorization.
      reauthorization: ctx.existing !== null && (ctx.instanceName === null || !coversRequiredRules(ctx.existing.rules, ctx.app.rules)),
      ...(ctx.instanceName !== null ? { context: deviceInstanceContext(ctx.instanceName) } : {}),
      error,
    });
    return sendHtml(reply, page, status);
  }

  /** The interaction this browser is in (oidc-provider's `_interaction` cookie), or null when it expired or is another one. */
  private async details(uid: string, req: FastifyRequest, reply: FastifyReply): Promise<Details | null> {
    try {
      const details = await this.provider.interactionDetails(asPublicRequest(req.raw, this.settings), reply.raw);
      return details.uid === uid ? details : null;
    } catch (err) {
      if ((err as { name?: string }).name === 'SessionNotFound') return null;
      throw err;
    }
  }

  private async signedIn(req: FastifyRequest, reply: FastifyReply): Promise<SignedInSession | null> {
    const session = await this.sessions.resolve(req);
    if (!session && this.sessions.tokenOf(req)) this.sessions.clear(reply);
    return session;
  }

  /** oidc-provider answers on the raw response (303 back to /oauth/authorize/:uid or /device/:uid). */
  private async finish(req: FastifyRequest, reply: FastifyReply, result: InteractionResults): Promise<void> {
    reply.hijack();
    await this.provider.interactionFinished(asPublicRequest(req.raw, this.settings), reply.raw, result, { mergeWithLastSubmission: false });
  }
}

function expired(reply: FastifyReply): FastifyReply {
  const message = html`<p>This authorization request has expired or was already answered. Go back to the application and start again.</p>`;
  return sendHtml(reply, errorPage('This request has expired', message), 400);
}
