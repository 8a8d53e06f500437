import { Controller, Get, Query, Req, Res, UseGuards } from '@nestjs/common';
import { AuditCmd, ConsentCmd, ErrorCode, IdentityCmd, type RecordActivityList } from '@carevault/contracts';
import { RpcClient } from '@carevault/platform';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ProblemException } from '../errors/problem.exception';
import { CsrfService } from '../web/csrf';
import { sendHtml } from '../web/page';
import { SignedIn, SignedInGuard, type SignedInSession } from '../web/session';
import { WebPages } from '../web/web-pages.decorator';
import { type ActivityFilter, type OutcomeFilter, activityPage } from './activity.view';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const PAGE_SIZE = 25;

const param = (query: unknown, name: string): string | undefined => {
  const v = (query as Record<string, unknown> | undefined)?.[name];
  return typeof v === 'string' && v !== '' ? v : undefined;
};

/** /activity: the audit trail of the records the signed-in person is custodian of, in plain words. */
@WebPages()
@Controller('activity')
export class ActivityController {
  constructor(
    private readonly rpc: RpcClient,
    private readonly csrf: CsrfService,
  ) {}

  @Get()
  @UseGuards(SignedInGuard)
  async page(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @SignedIn() session: SignedInSession, @Query() query: unknown): Promise<FastifyReply> {
    const personId = session.person.id;
    const correlationId = req.id;
    const records = (await this.rpc.request(IdentityCmd.ListRecords, { personId }, { correlationId })).items;
    const base = { csrf: this.csrf.tokenFor(req, reply), person: session.person, records };
    const first = records[0];
    if (!first) return sendHtml(reply, activityPage({ ...base, apps: [], entries: [], nextCursor: null, paged: false }));

    const filter = this.filterOf(query, first.id);
    if (!records.some((r) => r.id === filter.recordId)) throw new ProblemException(ErrorCode.NOT_FOUND, 'There is no such record.');
    const cursor = param(query, 'cursor');
    const [activity, apps] = await Promise.all([
      this.rpc.request(
        AuditCmd.RecordActivity,
        { actor: { personId }, recordId: filter.recordId, appId: filter.appId, outcome: filter.outcome, cursor: cursor?.slice(0, 200), limit: PAGE_SIZE },
        { correlationId },
      ),
      this.appsOf(filter.recordId, correlationId),
    ]);
    return sendHtml(
      reply,
      activityPage({ ...base, filter, apps: withPageApps(apps, activity, filter.appId), entries: activity.items, nextCursor: activity.nextCursor, paged: !!cursor }),
    );
  }

  /** Unknown or malformed filters are dropped rather than refused: the page is reached by links and a GET form. */
  private filterOf(query: unknown, defaultRecordId: string): ActivityFilter {
    const record = param(query, 'record');
    const app = param(query, 'app');
    const outcome = param(query, 'outcome');
    return {
      recordId: record && UUID.test(record) ? record.toLowerCase() : defaultRecordId,
      ...(app && UUID.test(app) ? { appId: app.toLowerCase() } : {}),
      ...(outcome === 'allowed' || outcome === 'denied' ? { outcome: outcome as OutcomeFilter } : {}),
    };
  }

  /** The applications with an active grant on the record, by name (a name that cannot be had is left out). */
  private async appsOf(recordId: string, correlationId: string): Promise<Array<{ appId: string; name: string }>> {
    const grants = await this.rpc.request(ConsentCmd.ListRecordGrants, { recordIds: [recordId] }, { correlationId });
    const ids = [...new Set(grants.items.map((g) => g.appId))];
    const named = await Promise.all(
      ids.map((appId) =>
        this.rpc.request(IdentityCmd.GetApplication, { appId }, { correlationId }).then(
          (a) => ({ appId, name: a.name }),
          () => null,
        ),
      ),
    );
    return named.filter((a): a is { appId: string; name: string } => a !== null);
  }
}

/** Applications named on this page but no longer holding a grant stay selectable. */
function withPageApps(apps: Array<{ appId: string; name: string }>, activity: RecordActivityList, selected?: string): Array<{ appId: string; name: string }> {
  const out = new Map(apps.map((a) => [a.appId, a]));
  for (const e of activity.items) if (e.appId && e.appName && !out.has(e.appId)) out.set(e.appId, { appId: e.appId, name: e.appName });
  if (selected && !out.has(selected)) out.set(selected, { appId: selected, name: 'The selected application' });
  return [...out.values()].sort((a, b) => a.name.localeCompare(b.name));
}
