import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  ErrorCode,
  IdentityEventType,
  IdentityEvt,
  type IssuedSession,
  type ResolveSessionResponse,
  type SessionEndedEvent,
  type SignOutResponse,
} from '@carevault/contracts';
import { DomainError, OutboxWriter, SERVICE_CONFIG } from '@carevault/platform';
import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import type { IdentityEnv } from '../config';
import { hashSessionToken, newSessionToken } from './session-token';
import { SessionsRepository } from './sessions.repository';

const NOT_SIGNED_IN = 'not signed in';

@Injectable()
export class SessionsService {
  private readonly ttlMs: number;

  constructor(
    private readonly sessions: SessionsRepository,
    private readonly outbox: OutboxWriter,
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(SERVICE_CONFIG) config: Pick<IdentityEnv, 'SESSION_TTL_HOURS'>,
  ) {
    this.ttlMs = Number(config.SESSION_TTL_HOURS) * 3600_000;
  }

  /** Starts a session for the person, inside the caller's transaction. The token is returned once. */
  async issue(manager: EntityManager, personId: string): Promise<IssuedSession> {
    const { token, hash } = newSessionToken();
    const id = randomUUID();
    const expiresAt = new Date(Date.now() + this.ttlMs);
    await this.sessions.insert(manager, { id, personId, tokenHash: hash, expiresAt });
    return { sessionId: id, token, expiresAt: expiresAt.toISOString() };
  }

  async resolve(token: string): Promise<ResolveSessionResponse> {
    const s = await this.sessions.findActive(hashSessionToken(token));
    if (!s) throw new DomainError(ErrorCode.UNAUTHENTICATED, NOT_SIGNED_IN);
    return {
      sessionId: s.sessionId,
      person: { id: s.personId, email: s.email, name: s.name },
      expiresAt: s.expiresAt.toISOString(),
    };
  }

  /** Ends the session and publishes session-ended (same transaction) so that online tokens die with it. Idempotent. */
  async signOut(token: string, correlationId: string | null): Promise<SignOutResponse> {
    return this.dataSource.transaction(async (manager) => {
      const ended = await this.sessions.end(manager, hashSessionToken(token));
      if (!ended) return { ended: false, sessionId: null };
      await this.outbox.enqueue<SessionEndedEvent>(manager, {
        subject: IdentityEvt.SessionEnded,
        type: IdentityEventType.SessionEnded,
        correlationId,
        data: { sessionId: ended.sessionId, personId: ended.personId, reason: 'sign-out', endedAt: ended.endedAt.toISOString() },
      });
      return { ended: true, sessionId: ended.sessionId };
    });
  }
}
