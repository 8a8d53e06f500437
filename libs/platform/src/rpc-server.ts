import { type ArgumentsHost, Catch, type ExceptionFilter, Injectable, Logger, ValidationPipe, type ValidationError } from '@nestjs/common';
import { RpcException } from '@nestjs/microservices';
import { ErrorCode, type FieldError, type RpcErrorBody, isRpcErrorBody } from '@carevault/contracts';
import { randomUUID } from 'node:crypto';
import { type Observable, throwError } from 'rxjs';
import { DomainError } from './errors';
import { cacheValidationMetadata } from './validation-cache';

export function flattenValidationErrors(errors: ValidationError[], prefix = ''): FieldError[] {
  return errors.flatMap((e) => {
    const field = `${prefix}${e.property}`;
    const own = Object.values(e.constraints ?? {}).map((message) => ({ field, message }));
    return [...own, ...flattenValidationErrors(e.children ?? [], `${field}.`)];
  });
}

/** Validates every incoming NATS payload against its contract class (decorators that never run are not validation). */
@Injectable()
export class RpcValidationPipe extends ValidationPipe {
  constructor() {
    cacheValidationMetadata();
    super({
      transform: true,
      whitelist: true,
      forbidNonWhitelisted: false,
      validationError: { target: false, value: false },
      exceptionFactory: (errors: ValidationError[]) =>
        new RpcException({
          code: ErrorCode.VALIDATION_FAILED,
          message: 'the request is not valid',
          errors: flattenValidationErrors(errors),
        } satisfies RpcErrorBody),
    });
  }
}

/** Turns anything a handler throws into an RpcErrorBody; unknown errors become INTERNAL with an error id that is logged. */
@Catch()
export class RpcErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('rpc');

  catch(exception: unknown, _host: ArgumentsHost): Observable<never> {
    return throwError(() => toRpcErrorBody(exception, this.logger));
  }
}

export function toRpcErrorBody(exception: unknown, logger?: Logger): RpcErrorBody {
  if (exception instanceof DomainError) return exception.toBody();
  if (exception instanceof RpcException) {
    const err = exception.getError();
    if (isRpcErrorBody(err)) return err;
  }
  if (isRpcErrorBody(exception)) return exception;
  const errorId = randomUUID();
  logger?.error({ errorId, err: exception instanceof Error ? { message: exception.message, stack: exception.stack } : exception });
  return { code: ErrorCode.INTERNAL, message: 'internal error', errorId };
}
