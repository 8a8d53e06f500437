import { ErrorCode } from '@carevault/contracts';
import { RpcException } from '@nestjs/microservices';
import { DomainError } from './errors';
import { toRpcErrorBody } from './rpc-server';

describe(toRpcErrorBody.name, () => {
  it('keeps a domain error as it is', () => {
    const body = toRpcErrorBody(new DomainError(ErrorCode.NOT_FOUND, 'no such record'));
    expect(body).toEqual({ code: ErrorCode.NOT_FOUND, message: 'no such record' });
  });

  it('keeps field errors of a validation failure', () => {
    const body = toRpcErrorBody(new RpcException({ code: ErrorCode.VALIDATION_FAILED, message: 'bad', errors: [{ field: 'email', message: 'email must be an email' }] }));
    expect(body.errors).toEqual([{ field: 'email', message: 'email must be an email' }]);
  });

  it('hides anything unknown behind INTERNAL with an error id, and logs it', () => {
    const logged: unknown[] = [];
    const body = toRpcErrorBody(new Error('relation "x" does not exist'), { error: (x: unknown) => logged.push(x) } as never);
    expect(body.code).toBe(ErrorCode.INTERNAL);
    expect(body.message).toBe('internal error');
    expect(JSON.stringify(body)).not.toContain('relation');
    expect(body.errorId).toMatch(/^[0-9a-f-]{36}$/);
    expect(JSON.stringify(logged)).toContain(body.errorId!);
  });
});
