/** One Idempotency-Key of one caller. */
export interface IdempotencyScope {
  /** SHA-256 (hex) of the request's Authorization header: two callers' keys never collide. */
  readonly principal: string;
  /** The Idempotency-Key header. */
  readonly key: string;
}

export type IdempotencyClaim =
  /** This request owns the key: run it, then complete or release with `token`. */
  | { readonly outcome: 'claimed'; readonly token: string }
  /** An earlier request with this key finished: replay it (if `requestHash` matches). */
  | {
      readonly outcome: 'completed';
      readonly requestHash: string;
      readonly status: number;
      readonly sealedResponse: string;
    }
  /** An earlier request with this key is still running. */
  | { readonly outcome: 'in_progress'; readonly requestHash: string };

/**
 * Port to the idempotency_records table. A record older than the retention is treated as absent
 * (and pruned); one still in progress after the lease is taken to be abandoned (its instance
 * died) and may be claimed again, so a crash never blocks a key for the whole retention.
 */
export abstract class IdempotencyRecords {
  abstract claim(scope: IdempotencyScope, requestHash: string): Promise<IdempotencyClaim>;
  /** Stores the outcome of the claimed request; a no-op when the claim was lost meanwhile. */
  abstract complete(
    scope: IdempotencyScope,
    token: string,
    status: number,
    sealedResponse: string,
  ): Promise<void>;
  /** Forgets the claim (the request failed), so a retry runs again. */
  abstract release(scope: IdempotencyScope, token: string): Promise<void>;
  /** Deletes a batch of records older than the retention; returns how many. */
  abstract prune(): Promise<number>;
}
