import {
  type AuthorizedConnectRequestList,
  ChangeExternalIdRequest,
  type ChangeExternalIdResponse,
  ConnectRequestCmd,
  CreateConnectRequestRequest,
  type CreateConnectRequestResponse,
  DeleteConnectRequestRequest,
  type DeleteConnectRequestResponse,
  ListAuthorizedRequest,
} from '@carevault/contracts';
import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { RequestsService } from './requests.service';

/** Called by the gateway's partner routes (application token; the gateway passes the token's appId). */
@Controller()
export class RequestsHandlers {
  constructor(private readonly requests: RequestsService) {}

  @MessagePattern(ConnectRequestCmd.Create)
  create(@Payload() req: CreateConnectRequestRequest): Promise<CreateConnectRequestResponse> {
    return this.requests.create(req);
  }

  @MessagePattern(ConnectRequestCmd.Delete)
  delete(@Payload() req: DeleteConnectRequestRequest): Promise<DeleteConnectRequestResponse> {
    return this.requests.delete(req.appId, req.externalId);
  }

  @MessagePattern(ConnectRequestCmd.ChangeExternalId)
  changeExternalId(@Payload() req: ChangeExternalIdRequest): Promise<ChangeExternalIdResponse> {
    return this.requests.changeExternalId(req);
  }

  @MessagePattern(ConnectRequestCmd.ListAuthorized)
  listAuthorized(@Payload() req: ListAuthorizedRequest): Promise<AuthorizedConnectRequestList> {
    return this.requests.listAuthorized(req);
  }
}
