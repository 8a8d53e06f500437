import { BaseEnv } from '@carevault/platform';

export class RecordStoreEnv extends BaseEnv {}
