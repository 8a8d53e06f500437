import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  CreateItemRequest,
  DeleteItemRequest,
  GetItemRequest,
  ItemVersionsRequest,
  type ItemVersionsResponse,
  type ItemView,
  ListItemsRequest,
  type ListItemsResponse,
  RecordStoreCmd,
  UpdateItemRequest,
} from '@carevault/contracts';
import { ItemsService } from './items.service';

@Controller()
export class ItemsHandlers {
  constructor(private readonly items: ItemsService) {}

  @MessagePattern(RecordStoreCmd.CreateItem)
  create(@Payload() dto: CreateItemRequest): Promise<ItemView> {
    return this.items.create(dto);
  }

  @MessagePattern(RecordStoreCmd.GetItem)
  get(@Payload() dto: GetItemRequest): Promise<ItemView> {
    return this.items.get(dto);
  }

  @MessagePattern(RecordStoreCmd.ListItems)
  list(@Payload() dto: ListItemsRequest): Promise<ListItemsResponse> {
    return this.items.list(dto);
  }

  @MessagePattern(RecordStoreCmd.UpdateItem)
  update(@Payload() dto: UpdateItemRequest): Promise<ItemView> {
    return this.items.update(dto);
  }

  @MessagePattern(RecordStoreCmd.DeleteItem)
  remove(@Payload() dto: DeleteItemRequest): Promise<ItemView> {
    return this.items.remove(dto);
  }

  @MessagePattern(RecordStoreCmd.ItemVersions)
  versions(@Payload() dto: ItemVersionsRequest): Promise<ItemVersionsResponse> {
    return this.items.versions(dto);
  }
}
