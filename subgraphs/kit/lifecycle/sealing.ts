import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { ConfigError, envSecret } from '../env.js';

/** Encrypts small secrets at rest (AES-256-GCM); the stored form is `iv.tag.ciphertext` in base64. */
export class Sealer {
  private constructor(private readonly key: Buffer) {}

  /** A key from 32 bytes given as 64 hex characters, or derived from a passphrase. */
  static fromSecret(secret: string): Sealer {
    const key = /^[0-9a-fA-F]{64}$/.test(secret) ? Buffer.from(secret, 'hex') : createHash('sha256').update(secret).digest();
    return new Sealer(key);
  }

  seal(plain: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return [iv, cipher.getAuthTag(), body].map((b) => b.toString('base64')).join('.');
  }

  open(sealed: string): string {
    const [iv, tag, body] = sealed.split('.').map((p) => Buffer.from(p, 'base64'));
    if (!iv || !tag || !body) throw new Error('sealed value is malformed');
    const decipher = createDecipheriv('aes-256-gcm', this.key, iv);
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8');
  }
}

/** The key for reporters' identities: REPORT_ENCRYPTION_KEY, or a demo key outside production. */
export function reportSealerFromEnv(env: NodeJS.ProcessEnv = process.env): Sealer {
  const secret = envSecret('REPORT_ENCRYPTION_KEY', env);
  if (secret) return Sealer.fromSecret(secret);
  if (env.NODE_ENV === 'production') throw new ConfigError('REPORT_ENCRYPTION_KEY is not set: it is required in production (64 hex characters)');
  return Sealer.fromSecret('demo-only report key: set REPORT_ENCRYPTION_KEY in production');
}
