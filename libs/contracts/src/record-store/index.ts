// Subjects are a contract between services: renaming one needs a migration plan (a new vN+1 subject).
import type { RecordDeniedRequest, RecordDeniedResponse } from './access';
import type {
  CreateItemRequest,
  DeleteItemRequest,
  GetItemRequest,
  ItemVersionsRequest,
  ItemVersionsResponse,
  ItemView,
  ListItemsRequest,
  ListItemsResponse,
  UpdateItemRequest,
} from './items';
import type { RecordStoreCmd } from './subjects';

export * from './access';
export * from './items';
export * from './subjects';

/** Request/reply subjects of the record-store service, with their request and response types. */
export interface RecordStoreRpc {
  [RecordStoreCmd.CreateItem]: { request: CreateItemRequest; response: ItemView };
  [RecordStoreCmd.GetItem]: { request: GetItemRequest; response: ItemView };
  [RecordStoreCmd.ListItems]: { request: ListItemsRequest; response: ListItemsResponse };
  [RecordStoreCmd.UpdateItem]: { request: UpdateItemRequest; response: ItemView };
  [RecordStoreCmd.DeleteItem]: { request: DeleteItemRequest; response: ItemView };
  [RecordStoreCmd.ItemVersions]: { request: ItemVersionsRequest; response: ItemVersionsResponse };
  [RecordStoreCmd.RecordDenied]: { request: RecordDeniedRequest; response: RecordDeniedResponse };
}

/**
 * Events the record-store service publishes, by subject. It publishes none of its own: each access is
 * audited with `audit.evt.data-accessed.v1` (see AuditEvents), written to its outbox in the access's transaction.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface RecordStoreEvents {}
