import {
  type CallHandler,
  type ExecutionContext,
  Inject,
  Injectable,
  type NestInterceptor,
} from '@nestjs/common';
import { HTTP_CODE_METADATA } from '@nestjs/common/constants';
import { Reflector } from '@nestjs/core';
import { validationFailed } from '@portcullis/errors';
import { LOGGER, type Logger } from '@portcullis/observability';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { from, lastValueFrom, type Observable, of } from 'rxjs';
import { Authorizer } from '../auth/authorizer';
import { idempotencyInProgress, idempotencyKeyReused } from '../auth/auth.errors';
import { IdempotencyCrypto, principalOf } from '../auth/idempotency-crypto';
import { IdempotencyRecords, type IdempotencyScope } from '../auth/idempotency-records';

/** 1 to 255 printable ASCII characters. */
const IDEMPOTENCY_KEY = /^[\x20-\x7E]{1,255}$/;
/** Request headers that change what a POST means, hashed with method, URL and body. */
const MEANINGFUL_HEADERS = ['x-end-user-ip'] as const;
const PRUNE_INTERVAL_MS = 10 * 60_000;

const single = (value: string | string[] | undefined) => (Array.isArray(value) ? value.join(', ') : value);

/**
 * `Idempotency-Key` on HTTP POSTs (draft-ietf-httpapi-idempotency-key-header), so a product
 * backend can retry a POST whose answer it lost without doing the thing twice. Records are scoped
 * by the caller (SHA-256 of its Authorization header) and hold a keyed hash of the request and
 * its sealed response, for 24 hours:
 * - first request: claims the key, runs, stores status and body; if it fails the claim is
 *   released, so a retry runs again;
 * - repeat of the same request: the stored status and body, with `Idempotent-Replayed: true`;
 * - while the first still runs: 409 IDEMPOTENCY_IN_PROGRESS;
 * - the key with a different request: 400 IDEMPOTENCY_KEY_REUSED.
 * Answers that do not run the handler authenticate the caller first, so a revoked key replays
 * nothing. The gRPC API (same Nest application) is passed through untouched.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  private lastPrune = 0;

  constructor(
    private readonly records: IdempotencyRecords,
    private readonly crypto: IdempotencyCrypto,
    private readonly authorizer: Authorizer,
    private readonly reflector: Reflector,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    if (context.getType() !== 'http') return next.handle();
    const http = context.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const header = single(request.headers['idempotency-key']);
    if (request.method !== 'POST' || header === undefined) return next.handle();
    if (!IDEMPOTENCY_KEY.test(header)) {
      throw validationFailed([
        { field: 'Idempotency-Key', description: 'must be 1 to 255 printable ASCII characters' },
      ]);
    }

    const authorization = single(request.headers.authorization) ?? '';
    const scope: IdempotencyScope = { principal: principalOf(authorization), key: header };
    const requestHash = this.crypto.requestHash({
      method: request.method,
      url: request.url,
      headers: Object.fromEntries(MEANINGFUL_HEADERS.map((name) => [name, single(request.headers[name])])),
      body: request.body,
    });
    const claim = await this.records.claim(scope, requestHash);
    this.pruneNowAndThen();

    if (claim.outcome !== 'claimed') {
      await this.authorizer.authenticate(authorization);
      if (!this.crypto.sameRequest(claim.requestHash, requestHash)) throw idempotencyKeyReused();
      if (claim.outcome === 'in_progress') throw idempotencyInProgress();
      const body = this.crypto.open(claim.sealedResponse, authorization, header);
      void http.getResponse<FastifyReply>().status(claim.status).header('idempotent-replayed', 'true');
      return of(body);
    }

    // The status Nest will send: the route's @HttpCode, else 201 for a POST.
    const status = this.reflector.get<number | undefined>(HTTP_CODE_METADATA, context.getHandler()) ?? 201;
    return from(this.runOnce(next, scope, claim.token, status, authorization));
  }

  private async runOnce(
    next: CallHandler,
    scope: IdempotencyScope,
    token: string,
    status: number,
    authorization: string,
  ): Promise<unknown> {
    let body: unknown;
    try {
      body = await lastValueFrom(next.handle(), { defaultValue: undefined });
    } catch (error) {
      await this.records.release(scope, token).catch((releaseError: unknown) => {
        // The claim then lapses with its lease; until then a retry gets IDEMPOTENCY_IN_PROGRESS.
        this.logger.warn({ err: releaseError }, 'could not release an idempotency key');
      });
      throw error;
    }
    try {
      await this.records.complete(scope, token, status, this.crypto.seal(body, authorization, scope.key));
    } catch (error) {
      // The work is done and its answer goes out; only a later replay of it is lost.
      this.logger.warn({ err: error }, 'could not store an idempotent response');
    }
    return body;
  }

  private pruneNowAndThen(): void {
    const now = Date.now();
    if (now - this.lastPrune < PRUNE_INTERVAL_MS) return;
    this.lastPrune = now;
    this.records.prune().catch((error: unknown) => {
      this.logger.warn({ err: error }, 'could not prune idempotency records');
    });
  }
}
