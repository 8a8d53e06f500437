import { Init1764400000000 } from './migrations/1764400000000-init';
import { Entries1764900000000 } from './migrations/1764900000000-entries';

export const SCHEMA = 'audit';
export const ENTITIES = [];
export const MIGRATIONS = [Init1764400000000, Entries1764900000000];
