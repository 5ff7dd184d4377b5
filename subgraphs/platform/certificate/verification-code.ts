import { createHmac, timingSafeEqual } from 'node:crypto';
import { envSecretOrDemo } from '../../kit/env.js';
import { checkRowSha256, toRow, type StoredCheck } from '../check/repository.js';

/** Crockford's base32: no I, L, O or U, so a code read aloud or retyped is not misread. */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
/** 16 characters of 5 bits: 80 bits of the HMAC, shown as four groups of four. */
const MAC_CHARS = 16;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const DOMAIN = 'credit-check-certificate/v1';

export const CERTIFICATE_SECRET = 'CHECK_CERTIFICATE_SECRET';
const DEMO_SECRET = 'demo-only certificate secret: set CHECK_CERTIFICATE_SECRET in production';

function base32(bytes: Buffer, chars: number): string {
  let out = '';
  let bits = 0;
  let value = 0;
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5 && out.length < chars) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    value &= (1 << bits) - 1;
    if (out.length === chars) break;
  }
  return out;
}

/**
 * Verification codes of check certificates: `<checkId>-XXXX-XXXX-XXXX-XXXX`, the check's id and
 * 80 bits of an HMAC-SHA256, keyed with a secret only the platform holds, over the SHA-256 of the
 * stored check row (every column: subject, matter, case, verdict, measures, evidence, time). So a
 * code names its check, cannot be made or guessed without the secret, changes when anything in the
 * stored check changes, and reveals nothing but the check id printed next to it: no hash of the
 * subject can be tried against it offline.
 */
export class VerificationCodes {
  constructor(private readonly secret: string) {
    if (secret.length < 32) throw new RangeError(`${CERTIFICATE_SECRET} must be at least 32 characters long`);
  }

  static fromEnv(env: NodeJS.ProcessEnv = process.env): VerificationCodes {
    return new VerificationCodes(envSecretOrDemo(CERTIFICATE_SECRET, DEMO_SECRET, env));
  }

  private mac(checkId: string, rowSha256: string): string {
    return base32(createHmac('sha256', this.secret).update(`${DOMAIN}\n${checkId}\n${rowSha256}`).digest(), MAC_CHARS);
  }

  /** The code of a stored check. */
  codeOf(check: StoredCheck): string {
    const mac = this.mac(check.checkId, checkRowSha256(toRow(check)));
    return `${check.checkId}-${mac.match(/.{4}/g)!.join('-')}`;
  }

  /**
   * The check id and MAC a code names, normalised (case, spaces, look-alike letters), or null when
   * it does not have the shape of a code.
   */
  static parse(code: string): { checkId: string; mac: string } | null {
    const text = code.trim().toLowerCase().replace(/\s+/g, '');
    const checkId = text.slice(0, 36);
    if (!UUID.test(checkId) || text[36] !== '-') return null;
    const mac = text.slice(37).replace(/-/g, '').toUpperCase().replace(/[IL]/g, '1').replace(/O/g, '0');
    if (mac.length !== MAC_CHARS || [...mac].some((c) => !ALPHABET.includes(c))) return null;
    return { checkId, mac };
  }

  /** Whether `mac` is the one of this stored check (null: no such check — compared all the same, so both take as long). */
  matches(check: StoredCheck | null, checkId: string, mac: string): boolean {
    const expected = Buffer.from(check ? this.mac(check.checkId, checkRowSha256(toRow(check))) : this.mac(checkId, ''));
    const given = Buffer.from(mac);
    return given.length === expected.length && timingSafeEqual(given, expected) && check !== null;
  }
}
