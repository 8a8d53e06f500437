import { Inject, Injectable } from '@nestjs/common';
import { type ApplicationView, ConsentCmd, type GrantView, IdentityCmd, type RecordView } from '@carevault/contracts';
import { RpcClient } from '@carevault/platform';
import type { Provider } from 'oidc-provider';
import { instanceNameOf } from '../device/instance-name';
import type { SignedInSession } from '../web/session';
import { consentRequested, coversRequiredRules, preselectedRecord } from './consent-rules';
import { saveGrantBinding } from './grant-binding';
import { OAUTH_PROVIDER, OAUTH_SETTINGS } from './oauth.tokens';
import type { OAuthSettings } from './oauth.config';
import { API_RESOURCE_SCOPE, grantTtlFor } from './provider.factory';

export interface InteractionParams {
  client_id?: unknown;
  record_id?: unknown;
  prompt?: unknown;
  instance_name?: unknown;
}

export interface ConsentContext {
  app: ApplicationView;
  records: RecordView[];
  selectedRecordId: string | null;
  /** The active grant on the selected record, if any. */
  existing: GrantView | null;
  /** The page may be skipped: the existing grant covers every required rule of the current rule set. */
  skip: boolean;
  /** Device applications: the name of the device instance being authorized (its `instance_name`, else the app's name). */
  instanceName: string | null;
}

/** The decisions behind the consent page; the controller only renders and redirects. */
@Injectable()
export class ConsentFlowService {
  constructor(
    private readonly rpc: RpcClient,
    @Inject(OAUTH_PROVIDER) private readonly provider: Provider,
    @Inject(OAUTH_SETTINGS) private readonly settings: OAuthSettings,
  ) {}

  async load(params: InteractionParams, session: SignedInSession, correlationId: string): Promise<ConsentContext> {
    const clientId = String(params.client_id ?? '');
    const [app, records] = await Promise.all([
      this.rpc.request(IdentityCmd.GetApplicationByClientId, { clientId }, { correlationId }),
      this.rpc.request(IdentityCmd.ListRecords, { personId: session.person.id }, { correlationId }),
    ]);
    const selectedRecordId = preselectedRecord(params.record_id, records.items.map((r) => r.id));
    const existing = selectedRecordId ? await this.activeGrant(app.appId, selectedRecordId, correlationId) : null;
    // Each device instance is approved on its own, even where the application holds a grant on the record.
    const device = app.kind === 'device';
    const skip = !device && existing !== null && !consentRequested(params.prompt) && coversRequiredRules(existing.rules, app.rules);
    return { app, records: records.items, selectedRecordId, existing, skip, instanceName: device ? (instanceNameOf(params) ?? app.name) : null };
  }

  async activeGrant(appId: string, recordId: string, correlationId: string): Promise<GrantView | null> {
    const found = await this.rpc.request(ConsentCmd.FindActiveGrant, { appId, recordId }, { correlationId });
    return found.grant && found.grant.state === 'active' ? found.grant : null;
  }

  /** Creates or re-authorizes the consent grant (custodianship and rule names are checked by consent). */
  async approve(app: ApplicationView, session: SignedInSession, recordId: string, optionalRules: string[], correlationId: string): Promise<GrantView> {
    const { grant } = await this.rpc.request(
      ConsentCmd.UpsertGrant,
      {
        appId: app.appId,
        recordId,
        personId: session.person.id,
        ruleSetVersion: app.ruleSetVersion,
        optionalRules,
        source: app.kind === 'device' ? 'device' : 'web',
      },
      { correlationId },
    );
    return grant;
  }

  /**
   * An oidc-provider grant for this authorization, bound to the consent grant and to OUR session, so
   * that extraTokenClaims can name person, record, consent grant and session at the token exchange.
   * A device application gets a new device instance on that grant: its own refresh-token chain.
   */
  async bindOAuthGrant(app: ApplicationView, session: SignedInSession, grant: GrantView, correlationId: string, instanceName: string | null = null): Promise<string> {
    const ttl = grantTtlFor(app.kind);
    const oauthGrant = new this.provider.Grant({ accountId: session.person.id, clientId: app.clientId, expiresIn: ttl } as never);
    oauthGrant.addResourceScope(this.settings.audience, API_RESOURCE_SCOPE);
    const oauthGrantId = await oauthGrant.save();
    const online = app.kind === 'web';
    const instance =
      app.kind === 'device'
        ? await this.rpc.request(
            IdentityCmd.CreateDeviceInstance,
            { appId: app.appId, personId: session.person.id, recordId: grant.recordId, grantId: grant.grantId, oauthGrantId, name: instanceName ?? app.name },
            { correlationId },
          )
        : null;
    await saveGrantBinding(
      this.rpc,
      oauthGrantId,
      {
        appId: app.appId,
        consentGrantId: grant.grantId,
        personId: session.person.id,
        recordId: grant.recordId,
        sessionId: online ? session.sessionId : null,
        mode: online ? 'online' : 'offline',
        instanceId: instance?.id ?? null,
      },
      ttl,
      correlationId,
    );
    return oauthGrantId;
  }
}
