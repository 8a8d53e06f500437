// Subjects are a contract between services: renaming one needs a migration plan (a new vN+1 subject).
import type { ConnectRequestAuthorizedEvent } from './events';
import type {
  AnswerRequest,
  AnswerResponse,
  CompleteRequest,
  CompleteResponse,
  EnterCodeRequest,
  EnterCodeResponse,
  GetTicketRequest,
  TicketView,
} from './redeem';
import type {
  AuthorizedConnectRequestList,
  ChangeExternalIdRequest,
  ChangeExternalIdResponse,
  CreateConnectRequestRequest,
  CreateConnectRequestResponse,
  DeleteConnectRequestRequest,
  DeleteConnectRequestResponse,
  ListAuthorizedRequest,
} from './requests';
import { type ConnectRequestCmd, type ConnectRequestEvt } from './subjects';

export * from './events';
export * from './redeem';
export * from './requests';
export * from './subjects';

/** Request/reply subjects of the connect-request service, with their request and response types. */
export interface ConnectRequestRpc {
  [ConnectRequestCmd.Create]: { request: CreateConnectRequestRequest; response: CreateConnectRequestResponse };
  [ConnectRequestCmd.ListAuthorized]: { request: ListAuthorizedRequest; response: AuthorizedConnectRequestList };
  [ConnectRequestCmd.Delete]: { request: DeleteConnectRequestRequest; response: DeleteConnectRequestResponse };
  [ConnectRequestCmd.ChangeExternalId]: { request: ChangeExternalIdRequest; response: ChangeExternalIdResponse };
  [ConnectRequestCmd.EnterCode]: { request: EnterCodeRequest; response: EnterCodeResponse };
  [ConnectRequestCmd.Answer]: { request: AnswerRequest; response: AnswerResponse };
  [ConnectRequestCmd.GetTicket]: { request: GetTicketRequest; response: TicketView };
  [ConnectRequestCmd.Complete]: { request: CompleteRequest; response: CompleteResponse };
}

/** Events the connect-request service publishes, by subject. */
export interface ConnectRequestEvents {
  [ConnectRequestEvt.Authorized]: ConnectRequestAuthorizedEvent;
}
