import { GrantEntity } from './grants/grant.entity';
import { Init1764400000000 } from './migrations/1764400000000-init';
import { Grants1764500000000 } from './migrations/1764500000000-grants';

export const SCHEMA = 'consent';
export const ENTITIES = [GrantEntity];
export const MIGRATIONS = [Init1764400000000, Grants1764500000000];
