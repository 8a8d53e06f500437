import { DELIVERY_STATUSES, type DeliveryList, type DeliveryStatus, type DeliveryView, ErrorCode, type EventFeedPage, PartnerPushCmd } from '@carevault/contracts';
import { RpcClient } from '@carevault/platform';
import { Controller, Get, HttpCode, Param, Post, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import type { FastifyRequest } from 'fastify';
import { ApiProblems } from '../errors/problem.dto';
import { ProblemException } from '../errors/problem.exception';
import { PartnerAccessService } from './partner-access.service';
import { queryPipe } from './query.pipe';

const toInt = ({ value }: { value: unknown }) => (typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export class EventsQuery {
  @ApiPropertyOptional({ description: 'nextCursor of the previous page; absent: from the first event' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  after?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 500, default: 100 })
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;
}

export class DeliveriesQuery {
  @ApiPropertyOptional({ enum: DELIVERY_STATUSES })
  @IsOptional()
  @IsIn(DELIVERY_STATUSES)
  status?: DeliveryStatus;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(200)
  cursor?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 500, default: 50 })
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;
}

/**
 * The application's own view of its events: they cover every person who authorized it, so only the
 * application itself (a client_credentials token) may read them — not a person's online token, not a device.
 */
async function applicationCaller(access: PartnerAccessService, req: FastifyRequest) {
  const caller = await access.authenticate(req);
  if (caller.personId || caller.instanceId || caller.mode !== 'offline') {
    throw new ProblemException(ErrorCode.ACCESS_DENIED, 'Use an application token (client_credentials) for this route.');
  }
  return caller;
}

/** Grant and connect events for the calling application: the polling feed and the webhook delivery log. */
@ApiTags('partner events')
@ApiBearerAuth('access-token')
@ApiProblems(ErrorCode.UNAUTHENTICATED, ErrorCode.ACCESS_DENIED, ErrorCode.VALIDATION_FAILED, ErrorCode.UNAVAILABLE, ErrorCode.INTERNAL)
@Controller('api/v1')
export class EventsController {
  constructor(
    private readonly access: PartnerAccessService,
    private readonly rpc: RpcClient,
  ) {}

  @Get('events')
  @ApiOperation({ summary: "This application's events (grant.created, grant.updated, grant.revoked, connect-request.authorized, device-instance.revoked), oldest first" })
  async events(@Req() req: FastifyRequest, @Query(queryPipe) q: EventsQuery): Promise<EventFeedPage> {
    const caller = await applicationCaller(this.access, req);
    return this.rpc.request(PartnerPushCmd.ListEvents, { appId: caller.appId, ...q }, { correlationId: req.id });
  }

  @Get('webhook-deliveries')
  @ApiOperation({ summary: "This application's webhook deliveries, newest first" })
  async deliveries(@Req() req: FastifyRequest, @Query(queryPipe) q: DeliveriesQuery): Promise<DeliveryList> {
    const caller = await applicationCaller(this.access, req);
    return this.rpc.request(PartnerPushCmd.ListDeliveries, { appId: caller.appId, ...q }, { correlationId: req.id });
  }

  @Post('webhook-deliveries/:deliveryId/redeliver')
  @HttpCode(202)
  @ApiOperation({ summary: 'Send a delivery again (due now)' })
  @ApiProblems(ErrorCode.NOT_FOUND)
  async redeliver(@Req() req: FastifyRequest, @Param('deliveryId') deliveryId: string): Promise<DeliveryView> {
    const caller = await applicationCaller(this.access, req);
    if (!UUID.test(deliveryId)) throw new ProblemException(ErrorCode.NOT_FOUND, 'No such delivery.');
    return this.rpc.request(PartnerPushCmd.Redeliver, { appId: caller.appId, deliveryId }, { correlationId: req.id });
  }
}
