import { Body, Controller, Get, Post, Query, Req, Res } from '@nestjs/common';
import { ErrorCode, IdentityCmd } from '@carevault/contracts';
import { RpcClient } from '@carevault/platform';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CsrfService } from '../web/csrf';
import { safeNextPath } from '../web/next-url';
import { seeOther, sendHtml } from '../web/page';
import { SessionService } from '../web/session';
import { WebPages } from '../web/web-pages.decorator';
import { formFailure, formField } from './form-input';
import { signInPage, signUpPage } from './views';

/** /signup, /signin, /signout: HTML forms over identity's person and session commands. */
@WebPages()
@Controller()
export class AccountController {
  constructor(
    private readonly rpc: RpcClient,
    private readonly csrf: CsrfService,
    private readonly sessions: SessionService,
  ) {}

  @Get('signup')
  signUpForm(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Query('next') next: unknown): FastifyReply {
    return sendHtml(reply, signUpPage({ csrf: this.csrf.tokenFor(req, reply), values: { email: '', name: '', next: safeNextPath(next) } }));
  }

  @Post('signup')
  async signUp(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Body() body: unknown): Promise<FastifyReply> {
    const values = { email: formField(body, 'email'), name: formField(body, 'name'), next: safeNextPath(formField(body, 'next')) };
    try {
      const created = await this.rpc.request(
        IdentityCmd.SignUp,
        { email: values.email, password: formField(body, 'password'), name: values.name, clientAddress: req.ip },
        { correlationId: req.id },
      );
      this.sessions.start(reply, created.session);
      return seeOther(reply, values.next);
    } catch (err) {
      const failure = formFailure(err, { [ErrorCode.CONFLICT]: 'An account with this email address already exists. Sign in instead.' });
      return sendHtml(reply, signUpPage({ csrf: this.csrf.tokenFor(req, reply), values, error: failure.error }), failure.status);
    }
  }

  @Get('signin')
  signInForm(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Query('next') next: unknown): FastifyReply {
    return sendHtml(reply, signInPage({ csrf: this.csrf.tokenFor(req, reply), values: { email: '', next: safeNextPath(next) } }));
  }

  @Post('signin')
  async signIn(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Body() body: unknown): Promise<FastifyReply> {
    const values = { email: formField(body, 'email'), next: safeNextPath(formField(body, 'next')) };
    try {
      const credentials = { email: values.email, password: formField(body, 'password'), clientAddress: req.ip };
      const signedIn = await this.rpc.request(IdentityCmd.SignIn, credentials, { correlationId: req.id });
      this.sessions.start(reply, signedIn.session);
      return seeOther(reply, values.next);
    } catch (err) {
      const failure = formFailure(err, { [ErrorCode.UNAUTHENTICATED]: 'The email address or the password is not right.' });
      return sendHtml(reply, signInPage({ csrf: this.csrf.tokenFor(req, reply), values, error: failure.error }), failure.status);
    }
  }

  /** Ends the session in identity first: if that fails the cookie stays and the person sees an error page. */
  @Post('signout')
  async signOut(@Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<FastifyReply> {
    await this.sessions.end(req, reply);
    return seeOther(reply, '/signin');
  }
}
