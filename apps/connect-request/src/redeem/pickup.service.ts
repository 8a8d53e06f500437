import {
  type CompleteRequest,
  type CompleteResponse,
  type ConnectRequestAuthorizedEvent,
  ConnectRequestEventType,
  ConnectRequestEvt,
  ConsentCmd,
  ErrorCode,
  type GrantView,
  auditRecorded,
} from '@carevault/contracts';
import { DomainError, OutboxWriter, RpcClient, RpcError } from '@carevault/platform';
import { Injectable } from '@nestjs/common';
import { RedeemRepository, type PickupRow, type TicketRow } from './redeem.repository';

const TICKET_USED = 'this pickup is finished or has expired; enter the code again';
const GRANT_MISMATCH = 'grantId is not an active grant of this application on recordId';

/**
 * The last step of a pickup: the gateway made the grant (consent UpsertGrant, source 'connect'); we
 * check it is this application's active grant on the record, use the ticket up, mark the request
 * authorized, add the pickup and publish `connect-request.authorized` — all in one transaction.
 */
@Injectable()
export class PickupService {
  constructor(
    private readonly repo: RedeemRepository,
    private readonly outbox: OutboxWriter,
    private readonly rpc: RpcClient,
  ) {}

  async complete(t: TicketRow, req: CompleteRequest, correlationId: string | null): Promise<CompleteResponse> {
    if (t.completed) return this.repeated(t, req);
    if (!t.live) throw new DomainError(ErrorCode.NOT_FOUND, TICKET_USED);
    await this.checkGrant(t.app_id, req);
    const done = await this.repo.dataSource.transaction(async (m) => {
      await this.repo.lockApplicationFeed(m, t.app_id);
      if (!(await this.repo.useTicket(m, t.id))) return null;
      const request = await this.repo.markAuthorized(m, t.request_id);
      if (!request) throw new DomainError(ErrorCode.NOT_FOUND, TICKET_USED);
      const pickup = { requestId: t.request_id, appId: t.app_id, personId: req.personId, recordId: req.recordId, grantId: req.grantId, ticketId: t.id };
      const inserted = await this.repo.insertPickup(m, pickup);
      // The same grant picked up through this request before: nothing new to announce.
      if (!inserted) return { externalId: request.external_id, pickup: (await this.repo.findPickup(m, t.request_id, req.grantId))! };
      const data: ConnectRequestAuthorizedEvent = {
        appId: t.app_id,
        externalId: request.external_id,
        personId: req.personId,
        recordId: req.recordId,
        grantId: req.grantId,
        authorizedAt: inserted.authorized_at.toISOString(),
      };
      await this.outbox.enqueue(m, { subject: ConnectRequestEvt.Authorized, type: ConnectRequestEventType.Authorized, data, correlationId });
      const audited = { personId: req.personId, appId: t.app_id, recordId: req.recordId, correlationId, details: { grantId: req.grantId, requestId: t.request_id } };
      await this.outbox.enqueue(m, auditRecorded('connect-authorized', 'success', audited));
      return { externalId: request.external_id, pickup: inserted };
    });
    if (!done) return this.repeated(t, req);
    return this.response(t, done.externalId, done.pickup);
  }

  /** The same completion again (a retry after a lost reply) answers the same; anything else is a used ticket. */
  private async repeated(t: TicketRow, req: CompleteRequest): Promise<CompleteResponse> {
    const pickup = await this.repo.findPickup(this.repo.dataSource, t.request_id, req.grantId);
    if (!pickup || pickup.record_id !== req.recordId) throw new DomainError(ErrorCode.NOT_FOUND, TICKET_USED);
    return this.response(t, t.external_id, pickup);
  }

  private response(t: TicketRow, externalId: string, p: PickupRow): CompleteResponse {
    return {
      appId: t.app_id,
      friendlyName: t.friendly_name,
      externalId,
      recordId: p.record_id,
      grantId: p.grant_id,
      authorizedAt: p.authorized_at.toISOString(),
    };
  }

  private async checkGrant(appId: string, req: CompleteRequest): Promise<void> {
    let grant: GrantView;
    try {
      grant = await this.rpc.request(ConsentCmd.GetGrant, { grantId: req.grantId });
    } catch (err) {
      if (err instanceof RpcError && err.code === ErrorCode.NOT_FOUND) throw new DomainError(ErrorCode.VALIDATION_FAILED, GRANT_MISMATCH, [{ field: 'grantId', message: GRANT_MISMATCH }]);
      throw err instanceof RpcError ? new DomainError(err.code, err.message) : err;
    }
    if (grant.appId !== appId || grant.recordId !== req.recordId || grant.state !== 'active') {
      throw new DomainError(ErrorCode.VALIDATION_FAILED, GRANT_MISMATCH, [{ field: 'grantId', message: GRANT_MISMATCH }]);
    }
  }
}
