import { BaseEnv } from '@carevault/platform';

export class ConnectRequestEnv extends BaseEnv {}
