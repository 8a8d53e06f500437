import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { returnedRows } from '../db';
import { SessionEntity } from './session.entity';

export interface ActiveSession {
  sessionId: string;
  expiresAt: Date;
  personId: string;
  email: string;
  name: string;
}

export interface EndedSession {
  sessionId: string;
  personId: string;
  endedAt: Date;
}

@Injectable()
export class SessionsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async insert(manager: EntityManager, s: Pick<SessionEntity, 'id' | 'personId' | 'tokenHash' | 'expiresAt'>): Promise<void> {
    await manager.insert(SessionEntity, { ...s, endedAt: null });
  }

  /** The hot path (every page load): one query through the unique index on token_hash. */
  async findActive(tokenHash: Buffer): Promise<ActiveSession | null> {
    const rows: Array<{ id: string; expires_at: Date; person_id: string; email: string; name: string }> = await this.dataSource.query(
      `SELECT s."id", s."expires_at", p."id" AS "person_id", p."email", p."name"
       FROM "identity"."sessions" s JOIN "identity"."persons" p ON p."id" = s."person_id"
       WHERE s."token_hash" = $1 AND s."ended_at" IS NULL AND s."expires_at" > now()`,
      [tokenHash],
    );
    const r = rows[0];
    return r ? { sessionId: r.id, expiresAt: r.expires_at, personId: r.person_id, email: r.email, name: r.name } : null;
  }

  /** Whether the session is active (not ended, not expired): checked by gateways for online tokens. */
  async status(sessionId: string): Promise<{ active: boolean; expiresAt: Date | null }> {
    const rows: Array<{ expires_at: Date; active: boolean }> = await this.dataSource.query(
      `SELECT "expires_at", ("ended_at" IS NULL AND "expires_at" > now()) AS "active" FROM "identity"."sessions" WHERE "id" = $1`,
      [sessionId],
    );
    const r = rows[0];
    return r ? { active: r.active, expiresAt: r.expires_at } : { active: false, expiresAt: null };
  }

  /** Ends the session if it is still active; null when it was unknown, expired or already ended. */
  async end(manager: EntityManager, tokenHash: Buffer): Promise<EndedSession | null> {
    const result: unknown = await manager.query(
      `UPDATE "identity"."sessions" SET "ended_at" = now()
       WHERE "token_hash" = $1 AND "ended_at" IS NULL AND "expires_at" > now()
       RETURNING "id", "person_id", "ended_at"`,
      [tokenHash],
    );
    const r = returnedRows<{ id: string; person_id: string; ended_at: Date }>(result)[0];
    return r ? { sessionId: r.id, personId: r.person_id, endedAt: r.ended_at } : null;
  }
}
