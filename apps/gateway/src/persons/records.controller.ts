import { Body, Controller, Get, Post, Req, Res, UseGuards } from '@nestjs/common';
import { IdentityCmd, type Relationship } from '@carevault/contracts';
import { RpcClient } from '@carevault/platform';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CsrfService } from '../web/csrf';
import { seeOther, sendHtml } from '../web/page';
import { SignedIn, SignedInGuard, type SignedInSession } from '../web/session';
import { WebPages } from '../web/web-pages.decorator';
import { formFailure, formField } from './form-input';
import { recordsPage } from './views';

/** /records: the records the signed-in person is custodian of, and a form to add one. */
@WebPages()
@Controller()
export class RecordsController {
  constructor(
    private readonly rpc: RpcClient,
    private readonly csrf: CsrfService,
  ) {}

  @Get()
  home(@Res() reply: FastifyReply): FastifyReply {
    return seeOther(reply, '/records');
  }

  @Get('records')
  @UseGuards(SignedInGuard)
  async list(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @SignedIn() session: SignedInSession): Promise<FastifyReply> {
    const records = await this.rpc.request(IdentityCmd.ListRecords, { personId: session.person.id }, { correlationId: req.id });
    return sendHtml(reply, recordsPage({ csrf: this.csrf.tokenFor(req, reply), person: session.person, records: records.items }));
  }

  @Post('records')
  @UseGuards(SignedInGuard)
  async add(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @SignedIn() session: SignedInSession, @Body() body: unknown): Promise<FastifyReply> {
    const values = { name: formField(body, 'name'), relationship: formField(body, 'relationship') };
    try {
      await this.rpc.request(
        IdentityCmd.AddRecord,
        { personId: session.person.id, name: values.name, relationship: values.relationship as Relationship },
        { correlationId: req.id },
      );
      return seeOther(reply, '/records');
    } catch (err) {
      const failure = formFailure(err);
      const records = await this.rpc.request(IdentityCmd.ListRecords, { personId: session.person.id }, { correlationId: req.id });
      const page = recordsPage({ csrf: this.csrf.tokenFor(req, reply), person: session.person, records: records.items, values, error: failure.error });
      return sendHtml(reply, page, failure.status);
    }
  }
}
