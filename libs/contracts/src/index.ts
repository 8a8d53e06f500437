import type { HealthRequest, HealthResponse } from './common/health';
import type { AuditEvents, AuditRpc } from './audit';
import type { ConnectRequestEvents, ConnectRequestRpc } from './connect-request';
import type { ConsentEvents, ConsentRpc } from './consent';
import type { IdentityEvents, IdentityRpc } from './identity';
import type { PartnerPushEvents, PartnerPushRpc } from './partner-push';
import type { RecordStoreEvents, RecordStoreRpc } from './record-store';

export * from './common/envelope';
export * from './common/errors';
export * from './common/health';
export * from './common/http-problem';
export * from './common/fhir';
export * from './audit';
export * from './connect-request';
export * from './consent';
export * from './identity';
export * from './partner-push';
export * from './record-store';

type HealthRpc = {
  [K in `${'identity' | 'consent' | 'connect-request' | 'record-store' | 'audit' | 'partner-push'}.cmd.health.v1`]: {
    request: HealthRequest;
    response: HealthResponse;
  };
};

/** Subject → request/response types, so that senders and handlers are type-checked against one map. */
export type RpcMap = HealthRpc & IdentityRpc & ConsentRpc & RecordStoreRpc & ConnectRequestRpc & AuditRpc & PartnerPushRpc;

/** Subject → event data type. */
export type EventMap = IdentityEvents & ConsentEvents & RecordStoreEvents & ConnectRequestEvents & AuditEvents & PartnerPushEvents;
