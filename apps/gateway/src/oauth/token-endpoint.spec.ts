import { tokenResponseFields } from './token-endpoint';

describe(tokenResponseFields.name, () => {
  const extra = { scope: 'patient/Observation.r', person_id: 'p', record_id: 'r', grant_id: 'g', app_id: 'a', cv_mode: 'online' as const };

  it('authorization_code: scope, person, record and consent grant', () => {
    expect(tokenResponseFields('authorization_code', extra)).toEqual({ scope: 'patient/Observation.r', person_id: 'p', record_id: 'r', grant_id: 'g' });
  });

  it('device code and its refreshes: instance (null until issue 6), record and consent grant', () => {
    const device = { scope: 'patient/Observation.r', instance_id: null, record_id: 'r', grant_id: 'g' };
    expect(tokenResponseFields('urn:ietf:params:oauth:grant-type:device_code', extra)).toEqual(device);
    expect(tokenResponseFields('refresh_token', extra)).toEqual(device);
  });

  it('client_credentials: the scope only', () => {
    expect(tokenResponseFields('client_credentials', { scope: 'system/Observation.r', app_id: 'a', cv_mode: 'offline' })).toEqual({ scope: 'system/Observation.r' });
  });
});
