import { generateKeyPairSync } from 'node:crypto';
import type { Clock } from '../clock.js';
import { checkPlatformTitle, type Enrollment } from '../domain/enrollment.js';
import { type Page, type PageRequest, toPage } from '../domain/pagination.js';
import { EnrollmentKey } from '../federation/keys.js';
import type { Db, Executor } from '../store/database.js';
import { type AuditEvent, insertAuditEvent, listAuditEvents } from '../store/repositories/audit.js';
import { findEnrollment, insertEnrollment, savePlatformTitle } from '../store/repositories/enrollment.js';
import type { SecretBox } from '../store/secret-box.js';
import { transact } from '../store/transact.js';
import type { IdGenerator } from './ids.js';

/** This deployment as an enrollment: identity, signing key, platform title, and the audit log. */
export class EnrollmentService {
  private key: EnrollmentKey | undefined;
  /** How peers reach this deployment's federation endpoints; set once the listener is up. */
  publicUrl: string | null = null;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    private readonly box: SecretBox,
  ) {}

  /** Creates the identity and its Ed25519 key pair on first start; later starts find it. */
  async ensure(): Promise<Enrollment> {
    return transact(this.db, async (tx) => {
      const existing = await findEnrollment(tx);
      if (existing) return withoutKey(existing);
      const { publicKey, privateKey } = generateKeyPairSync('ed25519');
      const raw = publicKey.export({ format: 'jwk' }).x;
      if (!raw) throw new Error('Ed25519 key export gave no public key');
      const enrollment: Enrollment = {
        id: this.ids.next('enr'),
        publicKey: raw,
        platformTitle: null,
        createdAt: this.clock.now(),
      };
      const sealed = this.box.seal(privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64'));
      await insertEnrollment(tx, enrollment, sealed);
      return enrollment;
    });
  }

  /** Business time, as the peer connection views compare expiry against it. */
  now(): number {
    return this.clock.now();
  }

  /** The signing key, unsealed once: it never changes after the first start. */
  async signingKey(): Promise<EnrollmentKey> {
    if (!this.key) {
      const found = await findEnrollment(this.db);
      if (!found) throw new Error('the enrollment identity is created at start-up');
      this.key = EnrollmentKey.fromPkcs8(found.id, found.publicKey, this.box.open(found.privateKeySealed));
    }
    return this.key;
  }

  async get(): Promise<Enrollment> {
    const found = await findEnrollment(this.db);
    return found ? withoutKey(found) : this.ensure();
  }

  async setPlatformTitle(actor: string, text: string): Promise<Enrollment> {
    const title = checkPlatformTitle(text);
    return transact(this.db, async (tx) => {
      const current = await findEnrollment(tx);
      if (!current) throw new Error('the enrollment identity is created at start-up');
      await savePlatformTitle(tx, title);
      await this.audit(tx, {
        actor,
        action: 'SetPlatformTitle',
        target: current.id,
        detail: current.platformTitle === null ? title : `${current.platformTitle} -> ${title}`,
      });
      return { ...withoutKey(current), platformTitle: title };
    });
  }

  /** Records an administrative action in the caller's transaction, so it commits with the action. */
  async audit(db: Executor, event: Omit<AuditEvent, 'id' | 'at'>): Promise<void> {
    await insertAuditEvent(db, { id: this.ids.next('aud'), at: this.clock.now(), ...event });
  }

  async auditLog(page: PageRequest): Promise<Page<AuditEvent>> {
    return toPage(await listAuditEvents(this.db, page), page, (event) => event.id);
  }
}

function withoutKey({
  privateKeySealed: _sealed,
  ...enrollment
}: Enrollment & { privateKeySealed: string }): Enrollment {
  return enrollment;
}
