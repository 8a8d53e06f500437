import { BadRequestException, HttpException, NotFoundException } from '@nestjs/common';
import { ErrorCode } from '@carevault/contracts';
import { RpcError } from '@carevault/platform';
import { classify } from './classify';
import { describeCode, statusOf, toProblem } from './problem';
import { ProblemException } from './problem.exception';

const API_MD_STATUS: Record<ErrorCode, number> = {
  [ErrorCode.VALIDATION_FAILED]: 400,
  [ErrorCode.UNAUTHENTICATED]: 401,
  [ErrorCode.ACCESS_DENIED]: 403,
  [ErrorCode.NOT_FOUND]: 404,
  [ErrorCode.CONFLICT]: 409,
  [ErrorCode.DUPLICATE_CONNECT_REQUEST]: 409,
  [ErrorCode.CONNECT_REQUEST_ALREADY_AUTHORIZED]: 409,
  [ErrorCode.VERSION_STAMP_MISMATCH]: 412,
  [ErrorCode.PAYLOAD_TOO_LARGE]: 413,
  [ErrorCode.UNSUPPORTED_MEDIA_TYPE]: 415,
  [ErrorCode.PRECONDITION_REQUIRED]: 428,
  [ErrorCode.RETRY_LIMIT_EXCEEDED]: 429,
  [ErrorCode.RATE_LIMITED]: 429,
  [ErrorCode.UNAVAILABLE]: 503,
  [ErrorCode.INTERNAL]: 500,
};

describe('describeCode', () => {
  it.each(Object.values(ErrorCode))('maps %s to the status of the public contract, with a title', (code) => {
    const sut = describeCode(code);
    expect(sut.status).toBe(API_MD_STATUS[code]);
    expect(sut.title.length).toBeGreaterThan(0);
  });

  it('throws for a value outside the enum (the exhaustiveness check at run time)', () => {
    expect(() => statusOf('NO_SUCH_CODE' as ErrorCode)).toThrow('no HTTP mapping for error code NO_SUCH_CODE');
  });
});

describe('toProblem', () => {
  it('builds an RFC 9457 body with a stable type per code and the field errors', () => {
    const sut = toProblem({ code: ErrorCode.VALIDATION_FAILED, detail: 'bad', errors: [{ field: 'rules.0.mode', message: 'mode must be one of online, offline' }] });
    expect(sut).toEqual({
      type: 'tag:carevault.dev,2026:problem:validation-failed',
      title: 'The request is not valid',
      status: 400,
      detail: 'bad',
      code: ErrorCode.VALIDATION_FAILED,
      errors: [{ field: 'rules.0.mode', message: 'mode must be one of online, offline' }],
    });
  });

  it('gives INTERNAL only its error id, whatever detail or errors it was handed', () => {
    const sut = toProblem({ code: ErrorCode.INTERNAL, detail: 'relation "x" does not exist', errors: [{ field: 'a', message: 'b' }], errorId: 'id-1' });
    expect(sut).toEqual({ type: expect.any(String), title: 'Internal error', status: 500, detail: expect.not.stringContaining('relation'), code: ErrorCode.INTERNAL, errorId: 'id-1' });
  });

  it('leaves out an empty errors list', () => {
    expect(toProblem({ code: ErrorCode.NOT_FOUND, errors: [] })).not.toHaveProperty('errors');
  });
});

describe('classify', () => {
  it('keeps code, message and field errors of a service RpcError', () => {
    const errors = [{ field: 'name', message: 'name must not be empty' }];
    expect(classify(new RpcError({ code: ErrorCode.VALIDATION_FAILED, message: 'invalid', errors }))).toEqual({ code: ErrorCode.VALIDATION_FAILED, detail: 'invalid', errors });
  });

  it('keeps the service error id of an INTERNAL RpcError, and makes one (to log) when there is none', () => {
    expect(classify(new RpcError({ code: ErrorCode.INTERNAL, message: 'internal error', errorId: 'svc-1' }))).toEqual({ code: ErrorCode.INTERNAL, errorId: 'svc-1', unexpected: false });
    const made = classify(new RpcError({ code: ErrorCode.INTERNAL, message: 'internal error' }));
    expect(made).toMatchObject({ code: ErrorCode.INTERNAL, unexpected: true, errorId: expect.stringMatching(/^[0-9a-f-]{36}$/) });
  });

  it('does not repeat the subject of an UNAVAILABLE RpcError', () => {
    expect(classify(new RpcError({ code: ErrorCode.UNAVAILABLE, message: 'identity.cmd.sign-in.v1: timed out' }))).toEqual({ code: ErrorCode.UNAVAILABLE });
  });

  it('maps the gateway ProblemException as is', () => {
    expect(classify(new ProblemException(ErrorCode.UNAUTHENTICATED, 'no token'))).toEqual({ code: ErrorCode.UNAUTHENTICATED, detail: 'no token', errors: undefined });
  });

  it.each([
    [new NotFoundException('Cannot GET /x?code=1'), ErrorCode.NOT_FOUND],
    [new HttpException('Request body is too large', 413, { cause: { code: 'FST_ERR_CTP_BODY_TOO_LARGE' } }), ErrorCode.PAYLOAD_TOO_LARGE],
    [new HttpException('Unsupported Media Type', 415), ErrorCode.UNSUPPORTED_MEDIA_TYPE],
    [new HttpException('bad json', 400, { cause: { code: 'FST_ERR_CTP_INVALID_JSON_BODY' } }), ErrorCode.VALIDATION_FAILED],
    [new BadRequestException(), ErrorCode.VALIDATION_FAILED],
    [new HttpException('Request Header Fields Too Large', 431), ErrorCode.VALIDATION_FAILED],
    [new HttpException('Service Unavailable', 503), ErrorCode.UNAVAILABLE],
  ])('maps %s to %s, with a detail of its own', (exception, code) => {
    const sut = classify(exception);
    expect(sut.code).toBe(code);
    expect(sut.detail ?? '').not.toContain('code=1');
  });

  it.each([new Error('SELECT * FROM identity.persons failed'), new TypeError('x is undefined'), 'a string', null, new HttpException('boom', 502)])(
    'treats %p as unexpected: INTERNAL with a fresh error id',
    (exception) => {
      const sut = classify(exception);
      expect(sut).toEqual({ code: ErrorCode.INTERNAL, errorId: expect.stringMatching(/^[0-9a-f-]{36}$/), unexpected: true });
      expect(toProblem(sut).detail).not.toMatch(/SELECT|undefined|boom/);
    },
  );
});
