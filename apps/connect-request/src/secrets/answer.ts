import { Injectable } from '@nestjs/common';
import { hash, verify } from '@node-rs/argon2';

/**
 * The answer to the secret question as it is compared: compatibility-normalized (NFKC), trimmed,
 * inner whitespace collapsed to one space, lower case. `toLowerCase` is locale-independent, so every
 * replica normalizes alike (a locale-aware lower-casing would treat the Turkish İ differently).
 */
export function normalizeAnswer(answer: string): string {
  return answer.normalize('NFKC').trim().replace(/\s+/gu, ' ').toLowerCase().normalize('NFKC');
}

/**
 * Argon2id with the library defaults (m = 19 MiB, t = 2, p = 1). @node-rs/argon2's `Algorithm` is a
 * `const enum` that swc does not inline, so we rely on the default being Argon2id; a test checks the
 * `$argon2id$` prefix.
 */
@Injectable()
export class AnswerHasher {
  hash(normalizedAnswer: string): Promise<string> {
    return hash(normalizedAnswer);
  }

  verify(answerHash: string, normalizedAnswer: string): Promise<boolean> {
    return verify(answerHash, normalizedAnswer);
  }
}
