import { Controller } from '@nestjs/common';
import { Ctx, MessagePattern, type NatsContext, Payload } from '@nestjs/microservices';
import {
  AddRecordRequest,
  type AddRecordResponse,
  GetRecordRequest,
  type GetRecordResponse,
  IdentityCmd,
  IsCustodianRequest,
  type IsCustodianResponse,
  ListRecordsRequest,
  type ListRecordsResponse,
  RemoveCustodianRequest,
  type RemoveCustodianResponse,
} from '@carevault/contracts';
import { correlationIdOf } from '../correlation';
import { CustodianshipService } from './custodianship.service';
import { RecordsService } from './records.service';

@Controller()
export class RecordsHandlers {
  constructor(
    private readonly records: RecordsService,
    private readonly custodianship: CustodianshipService,
  ) {}

  @MessagePattern(IdentityCmd.ListRecords)
  list(@Payload() dto: ListRecordsRequest): Promise<ListRecordsResponse> {
    return this.records.list(dto.personId);
  }

  @MessagePattern(IdentityCmd.AddRecord)
  add(@Payload() dto: AddRecordRequest): Promise<AddRecordResponse> {
    return this.records.add(dto);
  }

  @MessagePattern(IdentityCmd.IsCustodian)
  async isCustodian(@Payload() dto: IsCustodianRequest): Promise<IsCustodianResponse> {
    return { isCustodian: await this.records.isCustodian(dto.personId, dto.recordId) };
  }

  @MessagePattern(IdentityCmd.GetRecord)
  get(@Payload() dto: GetRecordRequest): Promise<GetRecordResponse> {
    return this.custodianship.get(dto.personId, dto.recordId);
  }

  @MessagePattern(IdentityCmd.RemoveCustodian)
  removeCustodian(@Payload() dto: RemoveCustodianRequest, @Ctx() ctx: NatsContext): Promise<RemoveCustodianResponse> {
    return this.custodianship.remove(dto.personId, dto.recordId, correlationIdOf(ctx));
  }
}
