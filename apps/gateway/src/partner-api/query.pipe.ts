import { ErrorCode } from '@carevault/contracts';
import { flattenValidationErrors } from '@carevault/platform';
import { ValidationPipe } from '@nestjs/common';
import { ProblemException } from '../errors/problem.exception';

/** Query strings validated like bodies: every problem names its parameter, unknown parameters are refused. */
export const queryPipe = new ValidationPipe({
  transform: true,
  whitelist: true,
  forbidNonWhitelisted: true,
  validationError: { target: false, value: false },
  exceptionFactory: (errors) => new ProblemException(ErrorCode.VALIDATION_FAILED, 'The query is not valid.', flattenValidationErrors(errors)),
});
