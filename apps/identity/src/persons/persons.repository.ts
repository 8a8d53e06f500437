import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { PersonEntity } from './person.entity';

export type PersonRow = Pick<PersonEntity, 'id' | 'email' | 'name' | 'passwordHash'>;

@Injectable()
export class PersonsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async insert(manager: EntityManager, p: PersonRow): Promise<void> {
    await manager.insert(PersonEntity, p);
  }

  async findByEmail(email: string): Promise<PersonRow | null> {
    const rows: Array<{ id: string; email: string; name: string; password_hash: string }> = await this.dataSource.query(
      `SELECT "id", "email", "name", "password_hash" FROM "identity"."persons" WHERE lower("email") = lower($1)`,
      [email],
    );
    const r = rows[0];
    return r ? { id: r.id, email: r.email, name: r.name, passwordHash: r.password_hash } : null;
  }

  async emailTaken(email: string): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(`SELECT 1 FROM "identity"."persons" WHERE lower("email") = lower($1)`, [email]);
    return rows.length > 0;
  }

  /**
   * Counts the recent failures for the email and, when under the limit, records this attempt as a failure
   * up front (one statement, before any hashing). Returns false when the limit is reached.
   * Concurrent attempts may overshoot the limit by a few; that is accepted.
   */
  async reserveSignInAttempt(emailKey: string, maxFailures: number, windowMinutes: number): Promise<boolean> {
    const rows: Array<{ reserved: boolean }> = await this.dataSource.query(
      `WITH old AS (
         DELETE FROM "identity"."sign_in_failures" WHERE "email_key" = $1 AND "failed_at" <= now() - make_interval(mins => $3)),
       recent AS (
         SELECT count(*) AS n FROM "identity"."sign_in_failures" WHERE "email_key" = $1 AND "failed_at" > now() - make_interval(mins => $3)),
       ins AS (
         INSERT INTO "identity"."sign_in_failures" ("email_key") SELECT $1 FROM recent WHERE n < $2 RETURNING "id")
       SELECT EXISTS (SELECT 1 FROM ins) AS "reserved"`,
      [emailKey, maxFailures, windowMinutes],
    );
    return rows[0]?.reserved === true;
  }

  /** After a successful sign-in the email starts afresh. */
  async clearSignInFailures(emailKey: string): Promise<void> {
    await this.dataSource.query(`DELETE FROM "identity"."sign_in_failures" WHERE "email_key" = $1`, [emailKey]);
  }
}
