import { Injectable } from '@nestjs/common';
import { hash, verify } from '@node-rs/argon2';

/**
 * Argon2id with the library defaults (m = 19 MiB, t = 2, p = 1: OWASP's recommended minimum). The
 * `Algorithm` enum of @node-rs/argon2 is a `const enum` that does not exist at runtime under swc, so we
 * rely on the default being Argon2id; a unit test checks the `$argon2id$` prefix.
 */
@Injectable()
export class PasswordHasher {
  /** Computed once at start, so that the first unknown-email sign-in is not slower than the others. */
  private readonly dummy: Promise<string> = hash('carevault-dummy-password');

  hash(password: string): Promise<string> {
    return hash(password);
  }

  async verify(passwordHash: string, password: string): Promise<boolean> {
    try {
      return await verify(passwordHash, password);
    } catch {
      return false;
    }
  }

  /** Spends the same time as a real verification, for unknown emails (no user enumeration by timing). */
  async verifyDummy(password: string): Promise<void> {
    await this.verify(await this.dummy, password);
  }
}
