import {
  ErrorCode,
  type ItemVersionsResponse,
  type ItemView,
  type ListItemsResponse,
  Permission,
  RecordStoreCmd,
} from '@carevault/contracts';
import { RpcClient } from '@carevault/platform';
import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Post, Put, Query, Req, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiProblems } from '../errors/problem.dto';
import { ProblemException } from '../errors/problem.exception';
import { JsonContentGuard } from '../validation/json-content.guard';
import { ListItemsQuery, PageQuery, versionStampOf } from './partner-api.dto';
import { PartnerAccessService } from './partner-access.service';
import { queryPipe } from './query.pipe';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function resourceOf(body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new ProblemException(ErrorCode.VALIDATION_FAILED, 'The body must be a FHIR R4 resource (a JSON object).', [
      { field: 'body', message: 'body must be a JSON object' },
    ]);
  }
  return body as Record<string, unknown>;
}

function itemIdOf(itemId: string): string {
  if (!UUID.test(itemId)) throw new ProblemException(ErrorCode.NOT_FOUND, 'No such item.');
  return itemId;
}

function withEtag(reply: FastifyReply, item: ItemView): ItemView {
  void reply.header('ETag', `"${item.versionStamp}"`);
  return item;
}

/** The partner data API: items of a record, each call one decision (cached) and one record-store request. */
@ApiTags('partner data')
@ApiBearerAuth('access-token')
@ApiProblems(ErrorCode.UNAUTHENTICATED, ErrorCode.NOT_FOUND, ErrorCode.ACCESS_DENIED, ErrorCode.UNAVAILABLE, ErrorCode.INTERNAL)
@UseGuards(JsonContentGuard)
@Controller('api/v1/records/:recordId/items')
export class ItemsController {
  constructor(
    private readonly access: PartnerAccessService,
    private readonly rpc: RpcClient,
  ) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({ summary: 'Add an item (a FHIR R4 resource); needs create on its type' })
  @ApiProblems(ErrorCode.VALIDATION_FAILED, ErrorCode.PAYLOAD_TOO_LARGE)
  async create(@Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply, @Param('recordId') recordId: string, @Body() body: unknown): Promise<ItemView> {
    const caller = await this.access.authenticate(req);
    const resource = resourceOf(body);
    const dataType = typeof resource.resourceType === 'string' ? resource.resourceType : undefined;
    const access = await this.access.accessFor(caller, recordId, Permission.Create, req, dataType);
    const item = await this.rpc.request(RecordStoreCmd.CreateItem, { access, resource }, { correlationId: req.id });
    void reply.header('Location', `/api/v1/records/${recordId}/items/${item.id}`);
    return withEtag(reply, item);
  }

  @Get()
  @ApiOperation({ summary: 'List items, newest effective date first (only types the app may read)' })
  @ApiProblems(ErrorCode.VALIDATION_FAILED)
  async list(@Req() req: FastifyRequest, @Param('recordId') recordId: string, @Query(queryPipe) q: ListItemsQuery): Promise<ListItemsResponse> {
    const caller = await this.access.authenticate(req);
    const access = await this.access.accessFor(caller, recordId, Permission.Read, req);
    const { type, ...rest } = q;
    return this.rpc.request(RecordStoreCmd.ListItems, { access, ...rest, ...(type ? { types: type } : {}) }, { correlationId: req.id });
  }

  @Get(':itemId')
  @ApiOperation({ summary: 'Read an item; ETag = its version stamp' })
  async get(@Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply, @Param('recordId') recordId: string, @Param('itemId') itemId: string): Promise<ItemView> {
    const caller = await this.access.authenticate(req);
    const access = await this.access.accessFor(caller, recordId, Permission.Read, req);
    return withEtag(reply, await this.rpc.request(RecordStoreCmd.GetItem, { access, itemId: itemIdOf(itemId) }, { correlationId: req.id }));
  }

  @Put(':itemId')
  @ApiOperation({ summary: 'Replace an item (new version); If-Match required' })
  @ApiProblems(ErrorCode.VALIDATION_FAILED, ErrorCode.VERSION_STAMP_MISMATCH, ErrorCode.PRECONDITION_REQUIRED)
  async update(
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Param('recordId') recordId: string,
    @Param('itemId') itemId: string,
    @Headers('if-match') ifMatch: string | undefined,
    @Body() body: unknown,
  ): Promise<ItemView> {
    const caller = await this.access.authenticate(req);
    const resource = resourceOf(body);
    const access = await this.access.accessFor(caller, recordId, Permission.Update, req);
    const item = await this.rpc.request(
      RecordStoreCmd.UpdateItem,
      { access, itemId: itemIdOf(itemId), resource, ifMatch: versionStampOf(ifMatch) },
      { correlationId: req.id },
    );
    return withEtag(reply, item);
  }

  @Delete(':itemId')
  @ApiOperation({ summary: 'Delete an item (soft); If-Match required' })
  @ApiProblems(ErrorCode.VERSION_STAMP_MISMATCH, ErrorCode.PRECONDITION_REQUIRED)
  async remove(
    @Req() req: FastifyRequest,
    @Param('recordId') recordId: string,
    @Param('itemId') itemId: string,
    @Headers('if-match') ifMatch: string | undefined,
  ): Promise<ItemView> {
    const caller = await this.access.authenticate(req);
    const access = await this.access.accessFor(caller, recordId, Permission.Delete, req);
    return this.rpc.request(RecordStoreCmd.DeleteItem, { access, itemId: itemIdOf(itemId), ifMatch: versionStampOf(ifMatch) }, { correlationId: req.id });
  }

  @Get(':itemId/versions')
  @ApiOperation({ summary: 'Version history of an item, newest first' })
  async versions(@Req() req: FastifyRequest, @Param('recordId') recordId: string, @Param('itemId') itemId: string, @Query(queryPipe) q: PageQuery): Promise<ItemVersionsResponse> {
    const caller = await this.access.authenticate(req);
    const access = await this.access.accessFor(caller, recordId, Permission.Read, req);
    return this.rpc.request(RecordStoreCmd.ItemVersions, { access, itemId: itemIdOf(itemId), ...q }, { correlationId: req.id });
  }
}

