import { Injectable, type PipeTransform } from '@nestjs/common';
import { ErrorCode } from '@carevault/contracts';
import { ProblemException } from '../errors/problem.exception';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ids are UUIDs: anything else cannot name an application, so it is a 404 like an unknown one. */
@Injectable()
export class AppIdPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!UUID.test(value)) throw new ProblemException(ErrorCode.NOT_FOUND, 'There is no application with this id.');
    return value.toLowerCase();
  }
}
