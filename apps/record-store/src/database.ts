import { ItemVersionEntity } from './items/item-version.entity';
import { ItemEntity } from './items/item.entity';
import { Init1764400000000 } from './migrations/1764400000000-init';
import { Items1764600000000 } from './migrations/1764600000000-items';

export const SCHEMA = 'record_store';
export const ENTITIES = [ItemEntity, ItemVersionEntity];
export const MIGRATIONS = [Init1764400000000, Items1764600000000];
