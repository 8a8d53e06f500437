import { type ArgumentsHost, Catch, type ExceptionFilter, Inject } from '@nestjs/common';
import { ErrorCode } from '@carevault/contracts';
import { PINO_LOGGER } from '@carevault/platform';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { classify } from '../errors/classify';
import { describeCode } from '../errors/problem';
import { logFailure } from '../errors/problem.filter';
import { type SafeHtml, html } from './html';
import { layout } from './layout';
import { CsrfRejectedException, SignInRequiredException, seeOther, sendHtml } from './page';

/** Failures of the person-facing pages answer with a page (or a sign-in redirect), never JSON. */
@Catch()
export class PageExceptionFilter implements ExceptionFilter {
  constructor(@Inject(PINO_LOGGER) private readonly logger: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const req = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    if (reply.sent) return;
    if (exception instanceof SignInRequiredException) {
      void seeOther(reply, `/signin?next=${encodeURIComponent(exception.next)}`);
      return;
    }
    if (exception instanceof CsrfRejectedException) {
      req.log.info({ reqId: req.id }, 'form rejected: CSRF token missing or wrong');
      void sendHtml(reply, errorPage('This form has expired', csrfMessage()), 403);
      return;
    }
    const c = classify(exception);
    logFailure(this.logger, c, exception, req);
    const { status, title } = describeCode(c.code);
    void sendHtml(reply, errorPage(title, messageFor(c.code, c.errorId)), status);
  }
}

function csrfMessage(): SafeHtml {
  return html`<p>The form you sent did not carry the security token of this browser, or it came from another site.</p>
<p>Go back, reload the page and send the form again. If you did not mean to send a form, you can ignore this page.</p>`;
}

const MESSAGES: Partial<Record<ErrorCode, SafeHtml>> = {
  [ErrorCode.UNAVAILABLE]: html`<p>Carevault cannot complete this right now. Please try again in a moment.</p>`,
  [ErrorCode.NOT_FOUND]: html`<p>There is nothing at this address. <a href="/records">Go to your records</a>.</p>`,
  [ErrorCode.RATE_LIMITED]: html`<p>Too many attempts. Wait a few minutes and try again.</p>`,
};

function messageFor(code: ErrorCode, errorId: string | undefined): SafeHtml {
  if (code === ErrorCode.INTERNAL) {
    return html`<p>Something went wrong on our side.</p>${errorId ? html`<p class="muted">Error id: <code>${errorId}</code></p>` : ''}`;
  }
  return MESSAGES[code] ?? html`<p>This request could not be completed. Go back and try again.</p>`;
}

export function errorPage(title: string, message: SafeHtml): SafeHtml {
  return layout({ title, body: html`${message}<p><a href="/records">Back to Carevault</a></p>` });
}
