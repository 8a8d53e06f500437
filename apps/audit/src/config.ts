import { BaseEnv } from '@carevault/platform';

export class AuditEnv extends BaseEnv {}
