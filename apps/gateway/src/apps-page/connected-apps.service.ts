import { Inject, Injectable } from '@nestjs/common';
import { ConsentCmd, type GetRecordResponse, type GrantView, IdentityCmd } from '@carevault/contracts';
import { PINO_LOGGER, RpcClient } from '@carevault/platform';
import type { Logger } from 'pino';
import { DeviceInstancesView } from '../device/device-instances.view';
import { ApplicationNames } from './application-names';
import { type ConnectedApp, type RecordConnections, recordTitle } from './apps.view';

/** consent's ListRecordGrants takes at most this many record ids at once. */
const RECORDS_PER_REQUEST = 500;

function inWords(names: string[]): string {
  return names.length <= 1 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
}

/** What the /apps and leave-record pages show and do, over identity and consent. */
@Injectable()
export class ConnectedAppsService {
  constructor(
    private readonly rpc: RpcClient,
    private readonly names: ApplicationNames,
    private readonly instances: DeviceInstancesView,
    @Inject(PINO_LOGGER) private readonly logger: Logger,
  ) {}

  /** Per record the person is custodian of, the applications with an active grant on it. */
  async forPerson(personId: string, correlationId: string): Promise<RecordConnections[]> {
    const records = (await this.rpc.request(IdentityCmd.ListRecords, { personId }, { correlationId })).items;
    const recordIds = records.map((r) => r.id);
    const [grants, groups] = await Promise.all([this.activeGrants(recordIds, correlationId), this.instances.forRecords(personId, recordIds, correlationId)]);
    const names = await this.names.namesOf([...grants.map((g) => g.appId), ...groups.map((g) => g.appId)], correlationId);
    const connected = (g: GrantView): ConnectedApp => ({
      grantId: g.grantId,
      appName: names.get(g.appId) ?? g.appId,
      rules: g.rules,
      since: g.createdAt,
      changed: g.updatedAt !== g.createdAt ? g.updatedAt : null,
      byYou: g.personId === personId,
    });
    const devicesOn = (recordId: string) =>
      groups
        .filter((g) => g.recordId === recordId)
        .flatMap((g) => g.instances.map((i) => ({ id: i.id, name: i.name, appName: names.get(g.appId) ?? g.appId, createdAt: i.createdAt, lastUsedAt: i.lastUsedAt })));
    return records.map((record) => ({ record, applications: grants.filter((g) => g.recordId === record.id).map(connected), devices: devicesOn(record.id) }));
  }

  /**
   * Revokes the grant (consent checks that the person is a custodian of its record: NOT_FOUND otherwise)
   * and says what changed: "Contoso Pharmacy can no longer use Sam's record."
   */
  async revoke(personId: string, grantId: string, correlationId: string): Promise<string> {
    const grant = await this.rpc.request(ConsentCmd.RevokeGrant, { grantId, personId }, { correlationId });
    const appName = await this.names.nameOf(grant.appId, correlationId);
    const record = await this.rpc.request(IdentityCmd.GetRecord, { personId, recordId: grant.recordId }, { correlationId }).catch(() => null);
    return `${appName} can no longer use ${record ? recordTitle(record.name) : 'your record'}.`;
  }

  /** The names of the applications the person authorized on the record (they lose access when the person leaves it). */
  async authorizedBy(personId: string, recordId: string, correlationId: string): Promise<string[]> {
    const grants = (await this.activeGrants([recordId], correlationId)).filter((g) => g.personId === personId);
    const names = await this.names.namesOf(grants.map((g) => g.appId), correlationId);
    return grants.map((g) => names.get(g.appId) ?? g.appId);
  }

  /**
   * Removes the person as custodian (identity refuses the last one with CONFLICT), then revokes the grants
   * they made there before answering, so that the app's next request is refused. consent's durable consumer
   * of custodian-removed does the same from the event: it is the guarantee when this second step fails.
   */
  async leave(personId: string, record: GetRecordResponse, appNames: string[], correlationId: string): Promise<string> {
    await this.rpc.request(IdentityCmd.RemoveCustodian, { personId, recordId: record.id }, { correlationId });
    await this.rpc
      .request(ConsentCmd.RevokeRecordGrants, { recordId: record.id, personId }, { correlationId })
      .catch((err: unknown) => this.logger.warn({ err, recordId: record.id }, 'leave record: revoking the grants now failed; consent will do it from the custodian-removed event'));
    const left = `You are no longer a custodian of ${recordTitle(record.name)}.`;
    return appNames.length ? `${left} ${inWords(appNames)} can no longer use it.` : left;
  }

  private async activeGrants(recordIds: string[], correlationId: string): Promise<GrantView[]> {
    const out: GrantView[] = [];
    for (let i = 0; i < recordIds.length; i += RECORDS_PER_REQUEST) {
      const page = await this.rpc.request(ConsentCmd.ListRecordGrants, { recordIds: recordIds.slice(i, i + RECORDS_PER_REQUEST) }, { correlationId });
      out.push(...page.items.filter((g) => g.state === 'active'));
    }
    return out;
  }
}
