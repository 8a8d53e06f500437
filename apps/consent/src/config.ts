import { BaseEnv } from '@carevault/platform';

export class ConsentEnv extends BaseEnv {}
