import { BaseEnv } from '@carevault/platform';

export class PartnerPushEnv extends BaseEnv {}
