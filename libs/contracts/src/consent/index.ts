// Subjects are a contract between services: renaming one needs a migration plan (a new vN+1 subject).
import type { DecideRequest, DecideResponse, EffectivePermissionsRequest, EffectivePermissionsResponse } from './decisions';
import type { GrantEventData } from './events';
import type {
  FindActiveGrantRequest,
  FindActiveGrantResponse,
  GetGrantRequest,
  GrantList,
  GrantView,
  ListAppGrantsRequest,
  ListRecordGrantsRequest,
  RevokeGrantRequest,
  RevokeGrantResponse,
  RevokeRecordGrantsRequest,
  RevokeRecordGrantsResponse,
  UpsertGrantRequest,
  UpsertGrantResponse,
} from './grants';
import { type ConsentCmd, type ConsentEvt } from './subjects';

export * from './decisions';
export * from './events';
export * from './grants';
export * from './subjects';

/** Request/reply subjects of the consent service, with their request and response types. */
export interface ConsentRpc {
  [ConsentCmd.UpsertGrant]: { request: UpsertGrantRequest; response: UpsertGrantResponse };
  [ConsentCmd.RevokeGrant]: { request: RevokeGrantRequest; response: RevokeGrantResponse };
  [ConsentCmd.RevokeRecordGrants]: { request: RevokeRecordGrantsRequest; response: RevokeRecordGrantsResponse };
  [ConsentCmd.GetGrant]: { request: GetGrantRequest; response: GrantView };
  [ConsentCmd.FindActiveGrant]: { request: FindActiveGrantRequest; response: FindActiveGrantResponse };
  [ConsentCmd.ListAppGrants]: { request: ListAppGrantsRequest; response: GrantList };
  [ConsentCmd.ListRecordGrants]: { request: ListRecordGrantsRequest; response: GrantList };
  [ConsentCmd.Decide]: { request: DecideRequest; response: DecideResponse };
  [ConsentCmd.EffectivePermissions]: { request: EffectivePermissionsRequest; response: EffectivePermissionsResponse };
}

/** Events the consent service publishes, by subject. */
export interface ConsentEvents {
  [ConsentEvt.GrantCreated]: GrantEventData;
  [ConsentEvt.GrantUpdated]: GrantEventData;
  [ConsentEvt.GrantRevoked]: GrantEventData;
}
