import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';

/** The previous hash of a tenant's first record. */
export const GENESIS_HASH = '0'.repeat(64);

/** The part of a record its hash seals. The position is sealed by the link, not repeated here. */
export interface ChainedContent {
  readonly eventId: string;
  readonly tenantId: string;
  readonly type: string;
  readonly userId: string | undefined;
  readonly source: string;
  readonly outcome: string;
  readonly occurredAt: Date;
  readonly recordedAt: Date;
  readonly data: unknown;
  readonly previousHash: string;
}

/**
 * SHA-256 (hex) of the record in RFC 8785 canonical JSON (JCS), so a third party can recompute it
 * from the exported record with any JCS implementation (docs/audit.md).
 */
export function recordHash(c: ChainedContent): string {
  const canonical = canonicalize({
    v: 1,
    eventId: c.eventId,
    tenantId: c.tenantId,
    type: c.type,
    userId: c.userId ?? null,
    source: c.source,
    outcome: c.outcome,
    occurredAt: c.occurredAt.toISOString(),
    recordedAt: c.recordedAt.toISOString(),
    data: c.data,
    previousHash: c.previousHash,
  });
  if (canonical === undefined) throw new Error('record is not JSON');
  return createHash('sha256').update(canonical).digest('hex');
}

export interface ChainedRecord extends ChainedContent {
  readonly sequence: string;
  readonly hash: string;
}

export type ChainProblemKind = 'EDITED' | 'REMOVED' | 'REORDERED' | 'HEAD_MISMATCH';

export interface ChainProblem {
  readonly kind: ChainProblemKind;
  readonly sequence: string;
  readonly detail: string;
}

export interface ChainVerification {
  readonly intact: boolean;
  readonly checked: number;
  readonly firstSequence: string;
  readonly lastSequence: string;
  /** Records up to this position were dropped by retention ("0": none). */
  readonly droppedThroughSequence: string;
  readonly problems: readonly ChainProblem[];
}

/** Where a chain starts: its genesis, or the last record dropped by retention. */
export interface ChainStart {
  readonly sequence: bigint;
  readonly hash: string;
}

/** Where the chain's head should be: kept apart from the records, updated with every append. */
export interface ChainHead {
  readonly sequence: bigint;
  readonly hash: string;
}

const MAX_PROBLEMS = 100;

/**
 * Walks a tenant's records in position order and reports every broken link: a record whose
 * content no longer matches its hash (EDITED), a gap in the positions (REMOVED), a record whose
 * link does not point at its predecessor while the positions run on (REORDERED), and a last record
 * that is not the head the appends left (HEAD_MISMATCH: the newest records were removed). After a
 * problem the walk resumes from the record as stored, so later problems are reported too.
 */
export class ChainVerifier {
  private expected: bigint;
  private previousHash: string;
  private checked = 0;
  private first: bigint | undefined;
  private last: bigint | undefined;
  private readonly problems: ChainProblem[] = [];

  constructor(private readonly start: ChainStart) {
    this.expected = start.sequence + 1n;
    this.previousHash = start.hash;
  }

  check(record: ChainedRecord): void {
    const sequence = BigInt(record.sequence);
    this.checked += 1;
    this.first ??= sequence;
    this.last = sequence;
    if (recordHash(record) !== record.hash) {
      this.report('EDITED', sequence, 'the record does not match its hash');
    }
    if (sequence > this.expected) {
      this.report(
        'REMOVED',
        this.expected,
        sequence - this.expected === 1n
          ? `record ${this.expected} is missing`
          : `records ${this.expected} to ${sequence - 1n} are missing`,
      );
    } else if (sequence < this.expected) {
      this.report('REORDERED', sequence, `position ${sequence} appears again after ${this.expected - 1n}`);
    } else if (record.previousHash !== this.previousHash) {
      this.report('REORDERED', sequence, 'the record does not link to the one before it');
    }
    this.expected = sequence + 1n;
    this.previousHash = record.hash;
  }

  finish(head: ChainHead | undefined): ChainVerification {
    if (head) {
      const lastSeen = this.last ?? this.start.sequence;
      if (head.sequence > lastSeen) {
        this.report(
          'HEAD_MISMATCH',
          lastSeen + 1n,
          `the log ends at ${lastSeen} but ${head.sequence} records were appended`,
        );
      } else if (head.sequence === lastSeen && head.hash !== this.previousHash) {
        this.report('HEAD_MISMATCH', lastSeen, 'the last record is not the one appended last');
      }
    }
    return {
      intact: this.problems.length === 0,
      checked: this.checked,
      firstSequence: String(this.first ?? 0n),
      lastSequence: String(this.last ?? 0n),
      droppedThroughSequence: String(this.start.sequence),
      problems: this.problems,
    };
  }

  private report(kind: ChainProblemKind, sequence: bigint, detail: string): void {
    if (this.problems.length < MAX_PROBLEMS) this.problems.push({ kind, sequence: String(sequence), detail });
  }
}
