import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { ApplicationKind, Rule } from '@carevault/contracts';
import type { DataSource, EntityManager } from 'typeorm';
import { returnedRows } from '../db';
import { ApplicationEntity, RuleSetEntity } from './application.entity';

/** An application with its current rules. */
export interface ApplicationRow {
  id: string;
  clientId: string;
  name: string;
  description: string | null;
  kind: ApplicationKind;
  redirectUris: string[];
  webhookUrl: string | null;
  hasClientSecret: boolean;
  ruleSetVersion: number;
  rules: Rule[];
  createdAt: Date;
  updatedAt: Date;
}

export interface RuleSetRow {
  appId: string;
  version: number;
  rules: Rule[];
  createdAt: Date;
}

export type NewApplication = Omit<ApplicationEntity, 'createdAt' | 'updatedAt' | 'clientSecretRotatedAt' | 'ruleSetVersion'>;

const SELECT_APPLICATION = `
  SELECT a."id", a."client_id", a."name", a."description", a."kind", a."redirect_uris", a."webhook_url",
         a."client_secret_hash" IS NOT NULL AS "has_client_secret", a."rule_set_version", rs."rules", a."created_at", a."updated_at"
  FROM "identity"."applications" a
  JOIN "identity"."application_rule_sets" rs ON rs."app_id" = a."id" AND rs."version" = a."rule_set_version"`;

type RawApplication = {
  id: string;
  client_id: string;
  name: string;
  description: string | null;
  kind: ApplicationKind;
  redirect_uris: string[];
  webhook_url: string | null;
  has_client_secret: boolean;
  rule_set_version: number;
  rules: Rule[];
  created_at: Date;
  updated_at: Date;
};

const toApplication = (r: RawApplication): ApplicationRow => ({
  id: r.id,
  clientId: r.client_id,
  name: r.name,
  description: r.description,
  kind: r.kind,
  redirectUris: r.redirect_uris,
  webhookUrl: r.webhook_url,
  hasClientSecret: r.has_client_secret,
  ruleSetVersion: r.rule_set_version,
  rules: r.rules,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

@Injectable()
export class ApplicationsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The application and its rule set version 1. */
  async insert(manager: EntityManager, app: NewApplication, rules: Rule[]): Promise<void> {
    await manager.insert(ApplicationEntity, { ...app, ruleSetVersion: 1, clientSecretRotatedAt: null });
    await manager.insert(RuleSetEntity, { appId: app.id, version: 1, rules });
  }

  async findById(id: string, manager: EntityManager = this.dataSource.manager): Promise<ApplicationRow | null> {
    const rows: RawApplication[] = await manager.query(`${SELECT_APPLICATION} WHERE a."id" = $1`, [id]);
    return rows[0] ? toApplication(rows[0]) : null;
  }

  async findByClientId(clientId: string): Promise<ApplicationRow | null> {
    const rows: RawApplication[] = await this.dataSource.query(`${SELECT_APPLICATION} WHERE a."client_id" = $1`, [clientId]);
    return rows[0] ? toApplication(rows[0]) : null;
  }

  async findSecretHash(clientId: string): Promise<{ id: string; clientSecretHash: Buffer | null } | null> {
    return this.dataSource.manager.findOne(ApplicationEntity, { select: { id: true, clientSecretHash: true }, where: { clientId } });
  }

  async findWebhookConfig(id: string): Promise<{ id: string; webhookUrl: string | null; webhookSecret: string | null } | null> {
    return this.dataSource.manager.findOne(ApplicationEntity, { select: { id: true, webhookUrl: true, webhookSecret: true }, where: { id } });
  }

  /** The given version, or the current one. */
  async findRuleSet(appId: string, version?: number): Promise<RuleSetRow | null> {
    const rows: Array<{ app_id: string; version: number; rules: Rule[]; created_at: Date }> = await this.dataSource.query(
      version === undefined
        ? `SELECT rs."app_id", rs."version", rs."rules", rs."created_at" FROM "identity"."application_rule_sets" rs
           JOIN "identity"."applications" a ON a."id" = rs."app_id" AND a."rule_set_version" = rs."version" WHERE rs."app_id" = $1`
        : `SELECT "app_id", "version", "rules", "created_at" FROM "identity"."application_rule_sets" WHERE "app_id" = $1 AND "version" = $2`,
      version === undefined ? [appId] : [appId, version],
    );
    const r = rows[0];
    return r ? { appId: r.app_id, version: r.version, rules: r.rules, createdAt: r.created_at } : null;
  }

  /**
   * Adds the next rule-set version and makes it current. The UPDATE locks the application row, so
   * concurrent replacements get consecutive versions. Null when there is no such application.
   */
  async addRuleSetVersion(manager: EntityManager, appId: string, rules: Rule[]): Promise<{ current: RuleSetRow; previous: RuleSetRow } | null> {
    const bumped = returnedRows<{ rule_set_version: number }>(
      await manager.query(
        `UPDATE "identity"."applications" SET "rule_set_version" = "rule_set_version" + 1, "updated_at" = now()
         WHERE "id" = $1 RETURNING "rule_set_version"`,
        [appId],
      ),
    );
    const version = bumped[0]?.rule_set_version;
    if (version === undefined) return null;
    const prev: Array<{ rules: Rule[]; created_at: Date }> = await manager.query(
      `SELECT "rules", "created_at" FROM "identity"."application_rule_sets" WHERE "app_id" = $1 AND "version" = $2`,
      [appId, version - 1],
    );
    const inserted: Array<{ created_at: Date }> = await manager.query(
      `INSERT INTO "identity"."application_rule_sets" ("app_id", "version", "rules") VALUES ($1, $2, $3::jsonb) RETURNING "created_at"`,
      [appId, version, JSON.stringify(rules)],
    );
    return {
      current: { appId, version, rules, createdAt: inserted[0]!.created_at },
      previous: { appId, version: version - 1, rules: prev[0]?.rules ?? [], createdAt: prev[0]?.created_at ?? new Date(0) },
    };
  }

  /** Replaces the client secret hash of a web application; null when there is no such web application. */
  async replaceSecretHash(appId: string, hash: Buffer, db: DataSource | EntityManager = this.dataSource): Promise<{ clientId: string; rotatedAt: Date } | null> {
    const rows = returnedRows<{ client_id: string; client_secret_rotated_at: Date }>(
      await db.query(
        `UPDATE "identity"."applications" SET "client_secret_hash" = $2, "client_secret_rotated_at" = now(), "updated_at" = now()
         WHERE "id" = $1 AND "kind" = 'web' RETURNING "client_id", "client_secret_rotated_at"`,
        [appId, hash],
      ),
    );
    const r = rows[0];
    return r ? { clientId: r.client_id, rotatedAt: r.client_secret_rotated_at } : null;
  }
}
