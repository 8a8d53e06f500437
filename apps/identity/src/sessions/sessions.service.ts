import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  ErrorCode,
  IdentityEventType,
  IdentityEvt,
  type IssuedSession,
  type ResolveSessionResponse,
  type SessionEndedEvent,
  SESSION_INVALIDATION_SUBJECT,
  type SessionInvalidation,
  type SessionStatusResponse,
  type SignOutResponse,
  auditRecorded,
} from '@carevault/contracts';
import { DomainError, NATS_CONNECTION, OutboxWriter, SERVICE_CONFIG } from '@carevault/platform';
import type { NatsConnection } from '@nats-io/transport-node';
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
    @Inject(NATS_CONNECTION) private readonly nc: Pick<NatsConnection, 'publish' | 'flush'>,
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
  async status(sessionId: string): Promise<SessionStatusResponse> {
    const s = await this.sessions.status(sessionId);
    return { active: s.active, expiresAt: s.expiresAt ? s.expiresAt.toISOString() : null };
  }

  async signOut(token: string, correlationId: string | null): Promise<SignOutResponse> {
    const result = await this.dataSource.transaction(async (manager): Promise<SignOutResponse> => {
      const ended = await this.sessions.end(manager, hashSessionToken(token));
      if (!ended) return { ended: false, sessionId: null };
      await this.outbox.enqueue<SessionEndedEvent>(manager, {
        subject: IdentityEvt.SessionEnded,
        type: IdentityEventType.SessionEnded,
        correlationId,
        data: { sessionId: ended.sessionId, personId: ended.personId, reason: 'sign-out', endedAt: ended.endedAt.toISOString() },
      });
      await this.outbox.enqueue(manager, auditRecorded('sign-out', 'success', { personId: ended.personId, correlationId, details: { sessionId: ended.sessionId } }));
      return { ended: true, sessionId: ended.sessionId };
    });
    if (result.sessionId) {
      // Gateways cache "session active" for online tokens: tell them before we answer, so that the
      // very next call with a token of this session is refused (the flush orders it before our reply).
      const msg: SessionInvalidation = { sessionId: result.sessionId };
      this.nc.publish(SESSION_INVALIDATION_SUBJECT, JSON.stringify(msg));
      await this.nc.flush();
    }
    return result;
  }
}
