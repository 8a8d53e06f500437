import { Init1764400000000 } from './migrations/1764400000000-init';

export const SCHEMA = 'consent';
export const ENTITIES = [];
export const MIGRATIONS = [Init1764400000000];
