import { Body, Controller, Get, Post, Req, Res, UseGuards } from '@nestjs/common';
import { ErrorCode, IdentityCmd } from '@carevault/contracts';
import { RpcClient, RpcError } from '@carevault/platform';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { formField } from '../persons/form-input';
import { html } from '../web/html';
import { seeOther, sendHtml } from '../web/page';
import { errorPage } from '../web/page-exception.filter';
import { SignedIn, SignedInGuard, type SignedInSession } from '../web/session';
import { WebPages } from '../web/web-pages.decorator';
import { REVOKE_INSTANCE_FIELDS } from './device-pages';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * POST /apps/revoke-instance `instance_id`: disconnects one device instance. Identity answers once every
 * gateway has been told, so the device's next data call is refused (401) and its refresh token too.
 */
@WebPages()
@Controller('apps')
export class DeviceInstancesController {
  constructor(private readonly rpc: RpcClient) {}

  /** Where a sign-in interrupted by the POST comes back to. */
  @Get('revoke-instance')
  back(@Res() reply: FastifyReply): FastifyReply {
    return seeOther(reply, '/apps');
  }

  @Post('revoke-instance')
  @UseGuards(SignedInGuard)
  async revoke(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @SignedIn() session: SignedInSession, @Body() body: unknown): Promise<FastifyReply> {
    const instanceId = formField(body, REVOKE_INSTANCE_FIELDS.instance);
    try {
      if (!UUID.test(instanceId)) throw new RpcError({ code: ErrorCode.NOT_FOUND, message: 'no such device instance' });
      await this.rpc.request(IdentityCmd.RevokeDeviceInstance, { personId: session.person.id, instanceId }, { correlationId: req.id });
      return seeOther(reply, '/apps');
    } catch (err) {
      // An instance on someone else's record looks exactly like one that does not exist.
      if (!(err instanceof RpcError) || (err.code !== ErrorCode.NOT_FOUND && err.code !== ErrorCode.VALIDATION_FAILED)) throw err;
      const message = html`<p>That device is not connected to any of your records. Perhaps it was disconnected already.</p><p><a href="/apps">Your connected applications</a></p>`;
      return sendHtml(reply, errorPage('No such device', message), 404);
    }
  }
}
