import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  type ApplicationRegisteredEvent,
  type ApplicationView,
  ErrorCode,
  IdentityEventType,
  IdentityEvt,
  type RegisterApplicationRequest,
  type RegisterApplicationResponse,
  type RotateSecretResponse,
  type Rule,
  type RuleSetChangedEvent,
  type RuleSetView,
  type VerifyClientSecretResponse,
  type GetWebhookConfigResponse,
  auditRecorded,
} from '@carevault/contracts';
import { DomainError, OutboxWriter, notFound, validationFailed } from '@carevault/platform';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { applicationProblems, ruleSetProblems } from './application-validation';
import { type ApplicationRow, ApplicationsRepository, type RuleSetRow } from './applications.repository';
import { clientSecretMatches, newClientId, newClientSecret, newWebhookSecret } from './secrets';

const NO_APPLICATION = 'no such application';

/** Only the fields of a rule, in a fixed order (what is stored and published). */
export const normalizeRules = (rules: readonly Rule[]): Rule[] =>
  rules.map((r) => ({ name: r.name, reason: r.reason, dataTypes: [...r.dataTypes], permissions: [...r.permissions], mode: r.mode, required: r.required }));

export const toApplicationView = (a: ApplicationRow): ApplicationView => ({
  appId: a.id,
  clientId: a.clientId,
  name: a.name,
  description: a.description,
  kind: a.kind,
  redirectUris: a.redirectUris,
  webhookUrl: a.webhookUrl,
  rules: a.rules,
  ruleSetVersion: a.ruleSetVersion,
  hasClientSecret: a.hasClientSecret,
  createdAt: a.createdAt.toISOString(),
  updatedAt: a.updatedAt.toISOString(),
});

const toRuleSetView = (r: RuleSetRow): RuleSetView => ({ appId: r.appId, version: r.version, rules: r.rules, createdAt: r.createdAt.toISOString() });

/** Names of required rules in `next` that were not required (or not there) in `previous`. */
export function requiredRulesAdded(previous: readonly Rule[], next: readonly Rule[]): string[] {
  const wasRequired = new Set(previous.filter((r) => r.required).map((r) => r.name));
  return next.filter((r) => r.required && !wasRequired.has(r.name)).map((r) => r.name);
}

@Injectable()
export class ApplicationsService {
  constructor(
    private readonly applications: ApplicationsRepository,
    private readonly outbox: OutboxWriter,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  async register(req: RegisterApplicationRequest, correlationId: string | null): Promise<RegisterApplicationResponse> {
    const problems = applicationProblems(req);
    if (problems.length > 0) throw validationFailed(problems);
    const rules = normalizeRules(req.rules);
    const id = randomUUID();
    const secret = req.kind === 'web' ? newClientSecret() : undefined;
    const webhookSecret = req.webhookUrl ? newWebhookSecret() : undefined;
    const app = await this.dataSource.transaction(async (manager) => {
      await this.applications.insert(
        manager,
        {
          id,
          clientId: newClientId(),
          name: req.name.trim(),
          description: req.description ?? null,
          kind: req.kind,
          redirectUris: [...req.redirectUris],
          webhookUrl: req.webhookUrl ?? null,
          clientSecretHash: secret?.hash ?? null,
          webhookSecret: webhookSecret ?? null,
        },
        rules,
      );
      const row = (await this.applications.findById(id, manager))!;
      await this.outbox.enqueue<ApplicationRegisteredEvent>(manager, {
        subject: IdentityEvt.ApplicationRegistered,
        type: IdentityEventType.ApplicationRegistered,
        correlationId,
        data: {
          appId: id,
          clientId: row.clientId,
          name: row.name,
          kind: row.kind,
          webhookUrl: row.webhookUrl,
          ruleSetVersion: 1,
          rules,
          at: row.createdAt.toISOString(),
        },
      });
      await this.outbox.enqueue(
        manager,
        auditRecorded('application-registered', 'success', { appId: id, correlationId, details: { actor: 'operator', kind: row.kind, clientId: row.clientId } }),
      );
      return row;
    });
    return {
      ...toApplicationView(app),
      ...(secret ? { clientSecret: secret.secret } : {}),
      ...(webhookSecret ? { webhookSecret } : {}),
    };
  }

  async get(appId: string): Promise<ApplicationView> {
    const app = await this.applications.findById(appId);
    if (!app) throw notFound(NO_APPLICATION);
    return toApplicationView(app);
  }

  async getByClientId(clientId: string): Promise<ApplicationView> {
    const app = await this.applications.findByClientId(clientId);
    if (!app) throw notFound(NO_APPLICATION);
    return toApplicationView(app);
  }

  /** A new rule-set version; older versions stay readable (grants refer to the version they were given). */
  async replaceRules(appId: string, rules: readonly Rule[], correlationId: string | null): Promise<RuleSetView> {
    const app = await this.applications.findById(appId);
    if (!app) throw notFound(NO_APPLICATION);
    const problems = ruleSetProblems(rules, app.kind);
    if (problems.length > 0) throw validationFailed(problems);
    const normalized = normalizeRules(rules);
    const result = await this.dataSource.transaction(async (manager) => {
      const added = await this.applications.addRuleSetVersion(manager, appId, normalized);
      if (!added) throw notFound(NO_APPLICATION);
      await this.outbox.enqueue<RuleSetChangedEvent>(manager, {
        subject: IdentityEvt.RuleSetChanged,
        type: IdentityEventType.RuleSetChanged,
        correlationId,
        data: {
          appId,
          version: added.current.version,
          previousVersion: added.previous.version,
          rules: normalized,
          requiredRulesAdded: requiredRulesAdded(added.previous.rules, normalized),
          at: added.current.createdAt.toISOString(),
        },
      });
      const version = { version: String(added.current.version), previousVersion: String(added.previous.version) };
      await this.outbox.enqueue(manager, auditRecorded('rules-replaced', 'success', { appId, correlationId, details: { actor: 'operator', ...version } }));
      return added.current;
    });
    return toRuleSetView(result);
  }

  async getRuleSet(appId: string, version?: number): Promise<RuleSetView> {
    const rs = await this.applications.findRuleSet(appId, version);
    if (!rs) throw notFound(version === undefined ? NO_APPLICATION : 'no such application or rule-set version');
    return toRuleSetView(rs);
  }

  /** A new client secret, returned once; the old one stops verifying at once. Audited (without the secret) in the same transaction. */
  async rotateSecret(appId: string, correlationId: string | null = null): Promise<RotateSecretResponse> {
    const { secret, hash } = newClientSecret();
    const done = await this.dataSource.transaction(async (manager) => {
      const replaced = await this.applications.replaceSecretHash(appId, hash, manager);
      if (replaced) {
        const details = { actor: 'operator', clientId: replaced.clientId };
        await this.outbox.enqueue(manager, auditRecorded('secret-rotated', 'success', { appId, correlationId, details }));
      }
      return replaced;
    });
    if (!done) {
      const app = await this.applications.findById(appId);
      if (!app) throw notFound(NO_APPLICATION);
      throw new DomainError(ErrorCode.CONFLICT, 'a device application has no client secret');
    }
    return { appId, clientId: done.clientId, clientSecret: secret, rotatedAt: done.rotatedAt.toISOString() };
  }

  async verifyClientSecret(clientId: string, clientSecret: string): Promise<VerifyClientSecretResponse> {
    const app = await this.applications.findSecretHash(clientId);
    const valid = clientSecretMatches(app?.clientSecretHash ?? null, clientSecret);
    return { valid, appId: valid ? app!.id : null };
  }

  async getWebhookConfig(appId: string): Promise<GetWebhookConfigResponse> {
    const app = await this.applications.findWebhookConfig(appId);
    if (!app) throw notFound(NO_APPLICATION);
    return { appId, webhookUrl: app.webhookUrl, webhookSecret: app.webhookSecret };
  }
}
