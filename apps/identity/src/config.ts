import { BaseEnv } from '@carevault/platform';

export class IdentityEnv extends BaseEnv {}
