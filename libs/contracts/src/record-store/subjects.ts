// Subjects are a contract between services: renaming one needs a migration plan (a new vN+1 subject).

/** Request/reply subjects answered by the record-store service (the gateway calls them for the partner data API). */
export const RecordStoreCmd = {
  CreateItem: 'record-store.cmd.create-item.v1',
  GetItem: 'record-store.cmd.get-item.v1',
  ListItems: 'record-store.cmd.list-items.v1',
  UpdateItem: 'record-store.cmd.update-item.v1',
  DeleteItem: 'record-store.cmd.delete-item.v1',
  ItemVersions: 'record-store.cmd.item-versions.v1',
  RecordDenied: 'record-store.cmd.record-denied.v1',
} as const;
