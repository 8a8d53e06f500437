import { type DeliveryList, type DeliveryView, ListDeliveriesRequest, PartnerPushCmd, RedeliverRequest } from '@carevault/contracts';
import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { DeliveriesService } from './deliveries.service';

@Controller()
export class DeliveriesHandlers {
  constructor(private readonly deliveries: DeliveriesService) {}

  @MessagePattern(PartnerPushCmd.ListDeliveries)
  list(@Payload() req: ListDeliveriesRequest): Promise<DeliveryList> {
    return this.deliveries.list(req.appId, req.status, req.cursor, req.limit);
  }

  @MessagePattern(PartnerPushCmd.Redeliver)
  redeliver(@Payload() req: RedeliverRequest): Promise<DeliveryView> {
    return this.deliveries.redeliver(req.appId, req.deliveryId);
  }
}
