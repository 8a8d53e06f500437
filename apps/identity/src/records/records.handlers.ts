import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  AddRecordRequest,
  type AddRecordResponse,
  IdentityCmd,
  IsCustodianRequest,
  type IsCustodianResponse,
  ListRecordsRequest,
  type ListRecordsResponse,
} from '@carevault/contracts';
import { RecordsService } from './records.service';

@Controller()
export class RecordsHandlers {
  constructor(private readonly records: RecordsService) {}

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
}
