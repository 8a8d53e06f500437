import type { GrantSource, GrantState, Rule } from '@carevault/contracts';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { GrantEntity } from './grant.entity';

export interface NewGrant {
  appId: string;
  recordId: string;
  personId: string;
  ruleSetVersion: number;
  rules: Rule[];
  source: GrantSource;
}

export interface Page {
  afterCreatedAt?: string;
  afterId?: string;
  limit: number;
}

@Injectable()
export class GrantsRepository {
  constructor(@InjectDataSource() readonly dataSource: DataSource) {}

  private repo(m?: EntityManager) {
    return (m ?? this.dataSource.manager).getRepository(GrantEntity);
  }

  findById(id: string, m?: EntityManager): Promise<GrantEntity | null> {
    return this.repo(m).findOneBy({ id });
  }

  findActive(appId: string, recordId: string, m?: EntityManager, lock = false): Promise<GrantEntity | null> {
    const qb = this.repo(m).createQueryBuilder('g').where('g.app_id = :appId AND g.record_id = :recordId AND g.state = :state', {
      appId,
      recordId,
      state: 'active' satisfies GrantState,
    });
    if (lock) qb.setLock('pessimistic_write');
    return qb.getOne();
  }

  async lockById(id: string, m: EntityManager): Promise<GrantEntity | null> {
    return this.repo(m).createQueryBuilder('g').where('g.id = :id', { id }).setLock('pessimistic_write').getOne();
  }

  async insert(g: NewGrant, m: EntityManager): Promise<GrantEntity> {
    const rows: GrantEntity[] = await m.query(
      `INSERT INTO "consent"."grants" ("app_id", "record_id", "person_id", "rule_set_version", "rules", "version", "state", "source")
       VALUES ($1, $2, $3, $4, $5::jsonb, 1, 'active', $6) RETURNING "id"`,
      [g.appId, g.recordId, g.personId, g.ruleSetVersion, JSON.stringify(g.rules), g.source],
    );
    return (await this.findById(rows[0]!.id, m))!;
  }

  async updateRules(id: string, personId: string, ruleSetVersion: number, rules: Rule[], m: EntityManager): Promise<GrantEntity> {
    await m.query(
      `UPDATE "consent"."grants" SET "rules" = $2::jsonb, "rule_set_version" = $3, "person_id" = $4, "version" = "version" + 1, "updated_at" = now()
       WHERE "id" = $1`,
      [id, JSON.stringify(rules), ruleSetVersion, personId],
    );
    return (await this.findById(id, m))!;
  }

  async revoke(id: string, reason: string | null, m: EntityManager): Promise<GrantEntity> {
    await m.query(
      `UPDATE "consent"."grants" SET "state" = 'revoked', "version" = "version" + 1, "updated_at" = now(), "revoked_at" = now(), "revoked_reason" = $2
       WHERE "id" = $1`,
      [id, reason],
    );
    return (await this.findById(id, m))!;
  }

  activeOnRecordBy(recordId: string, personId: string, m: EntityManager): Promise<GrantEntity[]> {
    return this.repo(m)
      .createQueryBuilder('g')
      .where('g.record_id = :recordId AND g.person_id = :personId AND g.state = :state', { recordId, personId, state: 'active' })
      .setLock('pessimistic_write')
      .getMany();
  }

  listByApp(appId: string, state: GrantState | undefined, page: Page): Promise<GrantEntity[]> {
    const qb = this.repo().createQueryBuilder('g').where('g.app_id = :appId', { appId });
    if (state) qb.andWhere('g.state = :state', { state });
    if (page.afterCreatedAt && page.afterId) {
      qb.andWhere('(g.created_at, g.id) > (:at, :id)', { at: page.afterCreatedAt, id: page.afterId });
    }
    return qb.orderBy('g.created_at', 'ASC').addOrderBy('g.id', 'ASC').limit(page.limit).getMany();
  }

  activeOnRecords(recordIds: string[]): Promise<GrantEntity[]> {
    if (recordIds.length === 0) return Promise.resolve([]);
    return this.repo()
      .createQueryBuilder('g')
      .where('g.record_id IN (:...recordIds) AND g.state = :state', { recordIds, state: 'active' })
      .orderBy('g.created_at', 'ASC')
      .getMany();
  }
}
