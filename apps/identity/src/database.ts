import { ApplicationEntity, RuleSetEntity } from './applications/application.entity';
import { Init1764400000000 } from './migrations/1764400000000-init';
import { PersonsRecordsApplications1764500000000 } from './migrations/1764500000000-persons-records-applications';
import { OAuthObjects1764810000000 } from './migrations/1764810000000-oauth-objects';
import { DeviceInstances1765000000000 } from './migrations/1765000000000-device-instances';
import { PersonEntity, SignInFailureEntity } from './persons/person.entity';
import { CustodianEntity, RecordEntity } from './records/record.entity';
import { SessionEntity } from './sessions/session.entity';

export const SCHEMA = 'identity';
export const ENTITIES = [PersonEntity, SignInFailureEntity, SessionEntity, RecordEntity, CustodianEntity, ApplicationEntity, RuleSetEntity];
export const MIGRATIONS = [Init1764400000000, PersonsRecordsApplications1764500000000, OAuthObjects1764810000000, DeviceInstances1765000000000];
