import {
  type AuthorizedConnectRequestList,
  type ChangeExternalIdRequest,
  type ChangeExternalIdResponse,
  type CreateConnectRequestRequest,
  type CreateConnectRequestResponse,
  type DeleteConnectRequestResponse,
  ErrorCode,
  type ListAuthorizedRequest,
} from '@carevault/contracts';
import { DomainError, SERVICE_CONFIG, validationFailed } from '@carevault/platform';
import { Inject, Injectable } from '@nestjs/common';
import { type ConnectRequestEnv, type ConnectSettings, settingsOf } from '../config';
import { isUniqueViolation } from '../db';
import { AnswerHasher, normalizeAnswer } from '../secrets/answer';
import { canonicalPickupCode, generatePickupCode, hashPickupCode } from '../secrets/pickup-code';
import { decodeSeqCursor, encodeSeqCursor } from './cursor';
import { RequestsRepository } from './requests.repository';

const DUPLICATE = 'the application already has a pending connect request with this external id';

/** The application's side of Patient Connect: create, withdraw, rename, and poll for pickups. */
@Injectable()
export class RequestsService {
  private readonly settings: ConnectSettings;

  constructor(
    private readonly requests: RequestsRepository,
    private readonly hasher: AnswerHasher,
    @Inject(SERVICE_CONFIG) config: ConnectRequestEnv,
  ) {
    this.settings = settingsOf(config);
  }

  async create(req: CreateConnectRequestRequest): Promise<CreateConnectRequestResponse> {
    const answer = normalizeAnswer(req.answer);
    if (!answer) throw validationFailed([{ field: 'answer', message: 'answer must not be empty' }]);
    const answerHash = await this.hasher.hash(answer);
    for (let attempt = 0; attempt < 3; attempt++) {
      const pickupCode = generatePickupCode();
      const created = await this.requests.dataSource.transaction(async (m) => {
        await this.requests.expireStalePending(m, req.appId, [req.externalId]);
        const row = await this.requests.insert(m, {
          appId: req.appId,
          externalId: req.externalId,
          friendlyName: req.friendlyName.trim(),
          question: req.question.trim(),
          answerHash,
          codeHash: hashPickupCode(canonicalPickupCode(pickupCode)),
          ttlDays: this.settings.ttlDays,
        });
        if (!row && (await this.requests.hasPending(m, req.appId, req.externalId))) throw new DomainError(ErrorCode.DUPLICATE_CONNECT_REQUEST, DUPLICATE);
        return row;
      });
      // No row and no duplicate: the code hash collided (~99 bits: practically never, but cheap to survive).
      if (!created) continue;
      return {
        externalId: req.externalId,
        pickupCode,
        pickupUrl: `${this.settings.publicUrl}/connect?code=${pickupCode}`,
        expiresAt: created.expiresAt.toISOString(),
      };
    }
    throw new Error('could not generate a unique pickup code');
  }

  async delete(appId: string, externalId: string): Promise<DeleteConnectRequestResponse> {
    const deleted = await this.requests.deleteUnauthorized(appId, externalId);
    if (deleted > 0) return { externalId, deleted };
    if (await this.requests.hasAuthorized(appId, externalId)) {
      throw new DomainError(ErrorCode.CONNECT_REQUEST_ALREADY_AUTHORIZED, 'the connect request was already picked up; it cannot be deleted');
    }
    throw new DomainError(ErrorCode.NOT_FOUND, 'no such connect request');
  }

  async changeExternalId(req: ChangeExternalIdRequest): Promise<ChangeExternalIdResponse> {
    const { appId, externalId, newExternalId } = req;
    try {
      const updated = await this.requests.dataSource.transaction(async (m) => {
        await this.requests.expireStalePending(m, appId, [externalId, newExternalId]);
        if (externalId === newExternalId) return this.requests.countLive(m, appId, externalId);
        // Checked first so the usual case needs no failed statement; the index still decides races.
        if ((await this.requests.hasPending(m, appId, externalId)) && (await this.requests.hasPending(m, appId, newExternalId))) {
          throw new DomainError(ErrorCode.DUPLICATE_CONNECT_REQUEST, DUPLICATE);
        }
        return this.requests.rename(m, appId, externalId, newExternalId);
      });
      if (updated === 0) throw new DomainError(ErrorCode.NOT_FOUND, 'no such connect request');
      return { externalId: newExternalId, previousExternalId: externalId, updated };
    } catch (err) {
      if (isUniqueViolation(err, 'requests_pending_external_id_uq')) throw new DomainError(ErrorCode.DUPLICATE_CONNECT_REQUEST, DUPLICATE);
      throw err;
    }
  }

  async listAuthorized(req: ListAuthorizedRequest): Promise<AuthorizedConnectRequestList> {
    const after = req.since === undefined ? '0' : decodeSeqCursor(req.since);
    if (after === null) throw validationFailed([{ field: 'since', message: 'since is not a cursor of this list' }]);
    const limit = req.limit ?? 100;
    const rows = await this.requests.listPickups(req.appId, after, this.settings.retentionDays, limit + 1);
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map((r) => ({
        externalId: r.external_id,
        personId: r.person_id,
        recordId: r.record_id,
        grantId: r.grant_id,
        authorizedAt: r.authorized_at.toISOString(),
      })),
      nextCursor: last ? encodeSeqCursor(last.seq) : (req.since ?? null),
      hasMore: rows.length > limit,
    };
  }
}
