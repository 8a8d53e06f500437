import {
  ConsentEventType,
  ConsentEvt,
  ErrorCode,
  GRANT_INVALIDATION_SUBJECT,
  type GrantInvalidation,
  type GrantList,
  type GrantState,
  type GrantView,
  IdentityCmd,
  type Rule,
  type UpsertGrantRequest,
  type UpsertGrantResponse,
  auditRecorded,
} from '@carevault/contracts';
import { DomainError, NATS_CONNECTION, OutboxWriter, RpcClient } from '@carevault/platform';
import { Inject, Injectable } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/transport-node';
import type { EntityManager } from 'typeorm';
import { sameRules } from '../decisions/permissions';
import type { GrantEntity } from './grant.entity';
import { decodeCursor, encodeCursor, toGrantEventData, toGrantView } from './grant-view';
import { GrantsRepository } from './grants.repository';

const UNIQUE_VIOLATION = '23505';

@Injectable()
export class GrantsService {
  constructor(
    private readonly grants: GrantsRepository,
    private readonly outbox: OutboxWriter,
    private readonly rpc: RpcClient,
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
  ) {}

  async upsert(req: UpsertGrantRequest, correlationId: string | null): Promise<UpsertGrantResponse> {
    await this.assertCustodian(req.personId, req.recordId);
    const rules = await this.acceptedRules(req);
    for (let attempt = 0; ; attempt++) {
      try {
        const result = await this.grants.dataSource.transaction(async (m) => {
          const current = await this.grants.findActive(req.appId, req.recordId, m, true);
          if (!current) {
            const created = await this.grants.insert({ ...req, rules }, m);
            await this.publish(m, created, 'created', correlationId);
            return { grant: created, outcome: 'created' as const };
          }
          if (sameRules(current.rules, rules) && current.ruleSetVersion === req.ruleSetVersion) {
            return { grant: current, outcome: 'unchanged' as const };
          }
          const updated = await this.grants.updateRules(current.id, req.personId, req.ruleSetVersion, rules, m);
          await this.publish(m, updated, 'updated', correlationId);
          return { grant: updated, outcome: 'updated' as const };
        });
        if (result.outcome !== 'unchanged') await this.invalidate(result.grant);
        return { grant: toGrantView(result.grant), outcome: result.outcome };
      } catch (err) {
        // Two approvals of the same (app, record) at once: the loser retries and updates the winner's grant.
        if ((err as { code?: string }).code === UNIQUE_VIOLATION && attempt < 2) continue;
        throw err;
      }
    }
  }

  async revoke(grantId: string, personId: string, reason: string | undefined, correlationId: string | null): Promise<GrantView> {
    const existing = await this.grants.findById(grantId);
    if (!existing) throw new DomainError(ErrorCode.NOT_FOUND, 'no such grant');
    await this.assertCustodian(personId, existing.recordId, 'no such grant');
    const revoked = await this.grants.dataSource.transaction(async (m) => {
      const g = await this.grants.lockById(grantId, m);
      if (!g || g.state === 'revoked') return g;
      const r = await this.grants.revoke(g.id, reason ?? 'revoked by the person', m);
      await this.publish(m, r, 'revoked', correlationId, personId);
      return r;
    });
    await this.invalidate(revoked!);
    return toGrantView(revoked!);
  }

  /** The person stopped being a custodian of the record: the grants they made there end with them. */
  async revokeRecordGrants(recordId: string, personId: string, correlationId: string | null): Promise<number> {
    const revoked = await this.grants.dataSource.transaction(async (m) => {
      const out: GrantEntity[] = [];
      for (const g of await this.grants.activeOnRecordBy(recordId, personId, m)) {
        const r = await this.grants.revoke(g.id, 'custodian removed', m);
        await this.publish(m, r, 'revoked', correlationId, personId);
        out.push(r);
      }
      return out;
    });
    for (const g of revoked) await this.invalidate(g);
    return revoked.length;
  }

  async get(grantId: string): Promise<GrantView> {
    const g = await this.grants.findById(grantId);
    if (!g) throw new DomainError(ErrorCode.NOT_FOUND, 'no such grant');
    return toGrantView(g);
  }

  async findActive(appId: string, recordId: string): Promise<GrantEntity | null> {
    return this.grants.findActive(appId, recordId);
  }

  async listByApp(appId: string, state: GrantState | undefined, cursor: string | undefined, limit = 100): Promise<GrantList> {
    const after = cursor ? decodeCursor(cursor) : null;
    if (cursor && !after) throw new DomainError(ErrorCode.VALIDATION_FAILED, 'cursor is not valid', [{ field: 'cursor', message: 'cursor is not valid' }]);
    const size = Math.min(Math.max(limit, 1), 500);
    const rows = await this.grants.listByApp(appId, state, { afterCreatedAt: after?.at, afterId: after?.id, limit: size + 1 });
    const page = rows.slice(0, size);
    return { items: page.map(toGrantView), nextCursor: rows.length > size ? encodeCursor(page[page.length - 1]!) : null };
  }

  async listOnRecords(recordIds: string[]): Promise<GrantList> {
    return { items: (await this.grants.activeOnRecords(recordIds)).map(toGrantView), nextCursor: null };
  }

  private async acceptedRules(req: UpsertGrantRequest): Promise<Rule[]> {
    const set = await this.rpc.request(IdentityCmd.GetRuleSet, { appId: req.appId, version: req.ruleSetVersion });
    const byName = new Map(set.rules.map((r) => [r.name, r]));
    const unknown = req.optionalRules.filter((n) => !byName.get(n) || byName.get(n)!.required);
    if (unknown.length > 0) {
      throw new DomainError(
        ErrorCode.VALIDATION_FAILED,
        'optionalRules names rules that are not optional rules of this rule set',
        unknown.map((n) => ({ field: 'optionalRules', message: `${n} is not an optional rule of version ${set.version}` })),
      );
    }
    const chosen = new Set(req.optionalRules);
    return set.rules
      .filter((r) => r.required || chosen.has(r.name))
      .map(({ name, reason, dataTypes, permissions, mode, required }) => ({ name, reason, dataTypes, permissions, mode, required }));
  }

  private async assertCustodian(personId: string, recordId: string, message = 'no such record'): Promise<void> {
    const { isCustodian } = await this.rpc.request(IdentityCmd.IsCustodian, { personId, recordId });
    if (!isCustodian) throw new DomainError(ErrorCode.NOT_FOUND, message);
  }

  /** The grant event for partners and the audit event, in the transaction of the change. `actorId`: who did it (default the grantor). */
  private async publish(m: EntityManager, g: GrantEntity, what: 'created' | 'updated' | 'revoked', correlationId: string | null, actorId = g.personId) {
    const subject = { created: ConsentEvt.GrantCreated, updated: ConsentEvt.GrantUpdated, revoked: ConsentEvt.GrantRevoked }[what];
    const type = { created: ConsentEventType.GrantCreated, updated: ConsentEventType.GrantUpdated, revoked: ConsentEventType.GrantRevoked }[what];
    const data = toGrantEventData(g);
    await this.outbox.enqueue(m, { subject, type, data, correlationId, version: 1 });
    const details = { grantId: g.id, version: String(g.version), mode: data.mode, source: g.source, ...(g.revokedReason ? { reason: g.revokedReason.slice(0, 200) } : {}) };
    await this.outbox.enqueue(m, auditRecorded(`grant-${what}`, 'success', { personId: actorId, appId: g.appId, recordId: g.recordId, correlationId, details }));
  }

  /**
   * Tells every gateway to drop what it cached for (app, record) before we answer: the flush makes the
   * server route the message ahead of our reply, so the next request the caller makes is decided afresh.
   */
  private async invalidate(g: GrantEntity): Promise<void> {
    const msg: GrantInvalidation = { appId: g.appId, recordId: g.recordId, grantId: g.id, version: g.version };
    this.nc.publish(GRANT_INVALIDATION_SUBJECT, JSON.stringify(msg));
    await this.nc.flush();
  }
}
