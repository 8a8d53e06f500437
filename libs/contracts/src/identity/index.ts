// Subjects are a contract between services: renaming one needs a migration plan (a new vN+1 subject).
import type {
  GetApplicationByClientIdRequest,
  GetApplicationByClientIdResponse,
  GetApplicationRequest,
  GetApplicationResponse,
  GetRuleSetRequest,
  GetRuleSetResponse,
  GetWebhookConfigRequest,
  GetWebhookConfigResponse,
  RegisterApplicationRequest,
  RegisterApplicationResponse,
  ReplaceRulesRequest,
  ReplaceRulesResponse,
  RotateSecretRequest,
  RotateSecretResponse,
  VerifyClientSecretRequest,
  VerifyClientSecretResponse,
} from './applications';
import type {
  CreateDeviceInstanceRequest,
  CreateDeviceInstanceResponse,
  DeviceCodeAttemptRequest,
  DeviceCodeAttemptResponse,
  DeviceCodePollRequest,
  DeviceCodePollResponse,
  DeviceInstanceRevokedEvent,
  DeviceInstanceStatusRequest,
  DeviceInstanceStatusResponse,
  ListDeviceInstancesRequest,
  ListDeviceInstancesResponse,
  ReleaseDeviceCodeAttemptRequest,
  ReleaseDeviceCodeAttemptResponse,
  RevokeDeviceInstanceByOAuthGrantRequest,
  RevokeDeviceInstanceByOAuthGrantResponse,
  RevokeDeviceInstanceRequest,
  RevokeDeviceInstanceResponse,
} from './device-instances';
import type { ApplicationRegisteredEvent, RuleSetChangedEvent, SessionEndedEvent } from './events';
import type {
  OAuthConsumeRequest,
  OAuthConsumeResponse,
  OAuthDestroyRequest,
  OAuthDestroyResponse,
  OAuthFindByUidRequest,
  OAuthFindByUserCodeRequest,
  OAuthFindRequest,
  OAuthFindResponse,
  OAuthJtiStatusRequest,
  OAuthJtiStatusResponse,
  OAuthRevokeByGrantIdRequest,
  OAuthRevokeByGrantIdResponse,
  OAuthRevokeJtiRequest,
  OAuthRevokeJtiResponse,
  OAuthUpsertRequest,
  OAuthUpsertResponse,
} from './oauth';
import type {
  ResolveSessionRequest,
  ResolveSessionResponse,
  SignInRequest,
  SignInResponse,
  SignOutRequest,
  SignOutResponse,
  SignUpRequest,
  SessionStatusRequest,
  SessionStatusResponse,
  SignUpResponse,
} from './persons';
import type {
  AddRecordRequest,
  AddRecordResponse,
  CustodianRemovedEvent,
  GetRecordRequest,
  GetRecordResponse,
  IsCustodianRequest,
  IsCustodianResponse,
  ListRecordsRequest,
  ListRecordsResponse,
  RemoveCustodianRequest,
  RemoveCustodianResponse,
} from './records';
import { type IdentityCmd, type IdentityEvt } from './subjects';

export * from './applications';
export * from './device-instances';
export * from './events';
export * from './oauth';
export * from './persons';
export * from './records';
export * from './rules';
export * from './subjects';

/** Request/reply subjects of the identity service, with their request and response types. */
export interface IdentityRpc {
  [IdentityCmd.SignUp]: { request: SignUpRequest; response: SignUpResponse };
  [IdentityCmd.SignIn]: { request: SignInRequest; response: SignInResponse };
  [IdentityCmd.SignOut]: { request: SignOutRequest; response: SignOutResponse };
  [IdentityCmd.SessionStatus]: { request: SessionStatusRequest; response: SessionStatusResponse };
  [IdentityCmd.ResolveSession]: { request: ResolveSessionRequest; response: ResolveSessionResponse };
  [IdentityCmd.ListRecords]: { request: ListRecordsRequest; response: ListRecordsResponse };
  [IdentityCmd.AddRecord]: { request: AddRecordRequest; response: AddRecordResponse };
  [IdentityCmd.IsCustodian]: { request: IsCustodianRequest; response: IsCustodianResponse };
  [IdentityCmd.GetRecord]: { request: GetRecordRequest; response: GetRecordResponse };
  [IdentityCmd.RemoveCustodian]: { request: RemoveCustodianRequest; response: RemoveCustodianResponse };
  [IdentityCmd.RegisterApplication]: { request: RegisterApplicationRequest; response: RegisterApplicationResponse };
  [IdentityCmd.GetApplication]: { request: GetApplicationRequest; response: GetApplicationResponse };
  [IdentityCmd.ReplaceRules]: { request: ReplaceRulesRequest; response: ReplaceRulesResponse };
  [IdentityCmd.RotateSecret]: { request: RotateSecretRequest; response: RotateSecretResponse };
  [IdentityCmd.GetApplicationByClientId]: { request: GetApplicationByClientIdRequest; response: GetApplicationByClientIdResponse };
  [IdentityCmd.VerifyClientSecret]: { request: VerifyClientSecretRequest; response: VerifyClientSecretResponse };
  [IdentityCmd.GetRuleSet]: { request: GetRuleSetRequest; response: GetRuleSetResponse };
  [IdentityCmd.GetWebhookConfig]: { request: GetWebhookConfigRequest; response: GetWebhookConfigResponse };
  [IdentityCmd.OAuthUpsert]: { request: OAuthUpsertRequest; response: OAuthUpsertResponse };
  [IdentityCmd.OAuthFind]: { request: OAuthFindRequest; response: OAuthFindResponse };
  [IdentityCmd.OAuthFindByUserCode]: { request: OAuthFindByUserCodeRequest; response: OAuthFindResponse };
  [IdentityCmd.OAuthFindByUid]: { request: OAuthFindByUidRequest; response: OAuthFindResponse };
  [IdentityCmd.OAuthConsume]: { request: OAuthConsumeRequest; response: OAuthConsumeResponse };
  [IdentityCmd.OAuthDestroy]: { request: OAuthDestroyRequest; response: OAuthDestroyResponse };
  [IdentityCmd.OAuthRevokeByGrantId]: { request: OAuthRevokeByGrantIdRequest; response: OAuthRevokeByGrantIdResponse };
  [IdentityCmd.OAuthRevokeJti]: { request: OAuthRevokeJtiRequest; response: OAuthRevokeJtiResponse };
  [IdentityCmd.OAuthJtiStatus]: { request: OAuthJtiStatusRequest; response: OAuthJtiStatusResponse };
  [IdentityCmd.CreateDeviceInstance]: { request: CreateDeviceInstanceRequest; response: CreateDeviceInstanceResponse };
  [IdentityCmd.RevokeDeviceInstance]: { request: RevokeDeviceInstanceRequest; response: RevokeDeviceInstanceResponse };
  [IdentityCmd.RevokeDeviceInstanceByOAuthGrant]: { request: RevokeDeviceInstanceByOAuthGrantRequest; response: RevokeDeviceInstanceByOAuthGrantResponse };
  [IdentityCmd.DeviceInstanceStatus]: { request: DeviceInstanceStatusRequest; response: DeviceInstanceStatusResponse };
  [IdentityCmd.ListDeviceInstances]: { request: ListDeviceInstancesRequest; response: ListDeviceInstancesResponse };
  [IdentityCmd.DeviceCodeAttempt]: { request: DeviceCodeAttemptRequest; response: DeviceCodeAttemptResponse };
  [IdentityCmd.ReleaseDeviceCodeAttempt]: { request: ReleaseDeviceCodeAttemptRequest; response: ReleaseDeviceCodeAttemptResponse };
  [IdentityCmd.DeviceCodePoll]: { request: DeviceCodePollRequest; response: DeviceCodePollResponse };
}

/** Events the identity service publishes, by subject (the envelope's `data`). */
export interface IdentityEvents {
  [IdentityEvt.SessionEnded]: SessionEndedEvent;
  [IdentityEvt.ApplicationRegistered]: ApplicationRegisteredEvent;
  [IdentityEvt.RuleSetChanged]: RuleSetChangedEvent;
  [IdentityEvt.CustodianRemoved]: CustodianRemovedEvent;
  [IdentityEvt.DeviceInstanceRevoked]: DeviceInstanceRevokedEvent;
}
