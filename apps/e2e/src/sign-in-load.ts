import { randomUUID } from 'node:crypto';
import { NodeCryptoPlugin } from '@otplib/plugin-crypto-node';
import { prepare } from '@portcullis/testing';
import { generateSync } from 'otplib';
import type { SliceStack } from './slice-stack';

const crypto = new NodeCryptoPlugin();
const STEP_SECONDS = 30;
const currentStep = () => Math.floor(Date.now() / 1000 / STEP_SECONDS);
const totpAt = (secret: string, step: number) => generateSync({ secret, epoch: step * STEP_SECONDS, crypto });
/** Milliseconds left in the current TOTP step. */
const msLeftInStep = () => STEP_SECONDS * 1000 - (Date.now() % (STEP_SECONDS * 1000));
/** An activation sent this close to a step's end may be checked in the next step. */
const STEP_MARGIN_MS = 5_000;

/** What one HTTP call of the load answered; `network` when no answer came (instance gone). */
export interface CallOutcome {
  readonly phase: string;
  readonly op: 'start' | 'challenge' | 'verify' | 'create-user' | 'begin-enrolment' | 'activate';
  readonly instance: number;
  readonly status: number | 'network';
  /** The problem's stable code on a failure. */
  readonly code?: string;
  /** verify: the challenge answered, and whether an assertion came back. */
  readonly challengeId?: string;
  readonly assertion?: boolean;
  /** activate: the factor that became active. */
  readonly factorId?: string;
  /** The instance did not answer and the call was sent to the next one. */
  readonly failedOver?: boolean;
  readonly at: number;
}

export interface Customer {
  readonly userId: string;
  readonly secret: string;
  readonly factorId: string;
  /** TOTP codes are single use per time step: a customer signs in at most once per step. */
  lastStep: number;
}

interface Answer {
  readonly status: number | 'network';
  readonly json: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  readonly instance: number;
}

/**
 * Sign-ins (start, TOTP challenge, verify) and enrolments (new user, TOTP begun and activated)
 * through every gateway instance, by a few workers, until stopped. Each call goes to the
 * worker's instance; when that instance does not answer at all, the call is tried once on the
 * next, as a load balancer would, with the same Idempotency-Key. Every answer is recorded with the phase it happened in, so a
 * test can hold each phase to its own promise.
 */
export class SignInLoad {
  readonly outcomes: CallOutcome[] = [];
  phase = 'warm-up';
  private readonly customers: Customer[] = [];
  private running = false;
  private workers: Promise<void>[] = [];
  private tenantId = '';
  private key = '';

  constructor(
    private readonly stack: SliceStack,
    private readonly settings: { readonly workers: number; readonly customers: number },
  ) {}

  /** A tenant that always asks for MFA, a runtime key, and customers with an active TOTP factor. */
  async prepare(): Promise<this> {
    this.tenantId = await this.stack.createTenant('Fault suite');
    const key = await this.stack.http('POST', `/v1/tenants/${this.tenantId}/api-keys`, {
      name: 'load',
      scope: 'runtime',
    });
    this.key = key.json['secret'] as string;
    await this.stack.http('PUT', `/v1/tenants/${this.tenantId}/risk-policy`, {
      policy: { mfaMode: 'always' },
    });
    let seed = 0;
    // Set-up, not under test: an enrolment that fails on a machine busy with other suites (a
    // deadline passed) is tried again with a new user; what failed is kept for the error.
    const enrolled = await prepare(this.settings.customers, 6, async () => {
      const failures: string[] = [];
      for (let attempt = 0; attempt < 3; attempt += 1) {
        const customer = await this.enrol((seed += 1));
        if (customer) return customer;
        failures.push(
          JSON.stringify(this.outcomes.filter((o) => o.status === 'network' || o.status >= 300).at(-1)),
        );
      }
      throw new Error(`enrolment failed 3 times while preparing the load: ${failures.join('; ')}`);
    });
    this.customers.push(...enrolled);
    this.outcomes.length = 0;
    return this;
  }

  get tenant(): string {
    return this.tenantId;
  }

  /** The tenant's runtime API key. */
  get apiKey(): string {
    return this.key;
  }

  start(): void {
    this.running = true;
    this.workers = Array.from({ length: this.settings.workers }, (_, w) => this.work(w));
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.workers);
  }

  /** A customer of the load's tenant with an active TOTP factor, kept out of the load. */
  async newCustomer(): Promise<Customer> {
    const customer = await this.enrol(Date.now(), 0);
    if (!customer) throw new Error('enrolment failed');
    return customer;
  }

  /** The customer's TOTP code now. */
  codeOf(customer: Customer): string {
    return totpAt(customer.secret, currentStep());
  }

  /** Outcomes of a phase. */
  of(phase: string): CallOutcome[] {
    return this.outcomes.filter((o) => o.phase === phase);
  }

  /** Calls of a phase that failed in the end (not those an instance passed on to the next). */
  failuresOf(phase: string): CallOutcome[] {
    return this.of(phase).filter((o) => !o.failedOver && (o.status === 'network' || o.status >= 300));
  }

  /** Runs the load until `count` more sign-ins were verified (or `timeoutMs` passes). */
  async untilVerified(count: number, timeoutMs = 60_000): Promise<void> {
    const target = this.verified().length + count;
    const deadline = Date.now() + timeoutMs;
    while (this.verified().length < target) {
      if (Date.now() > deadline)
        throw new Error(`only ${this.verified().length} of ${target} sign-ins verified`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** Per phase: calls, verified sign-ins, calls that failed in the end, calls failed over. */
  summary(): Record<string, { calls: number; verified: number; failed: number; failedOver: number }> {
    const phases: Record<string, { calls: number; verified: number; failed: number; failedOver: number }> =
      {};
    for (const o of this.outcomes) {
      const p = (phases[o.phase] ??= { calls: 0, verified: 0, failed: 0, failedOver: 0 });
      p.calls += 1;
      if (o.op === 'verify' && o.status === 200) p.verified += 1;
      if (o.failedOver) p.failedOver += 1;
      else if (o.status === 'network' || o.status >= 300) p.failed += 1;
    }
    return phases;
  }

  /** Successful verifications so far. */
  verified(): CallOutcome[] {
    return this.outcomes.filter((o) => o.op === 'verify' && o.status === 200);
  }

  private async work(worker: number): Promise<void> {
    for (let i = 0; this.running; i += 1) {
      if (i % 3 === 2) {
        const customer = await this.enrol(worker * 1_000_000 + i, worker);
        // New customers join the pool: more of them may sign in within one TOTP step.
        if (customer) this.customers.push(customer);
        continue;
      }
      const step = currentStep();
      const customer = this.customers.find((c) => c.lastStep < step);
      if (!customer) {
        await new Promise((resolve) => setTimeout(resolve, 200));
        continue;
      }
      customer.lastStep = step;
      await this.signIn(customer, step, worker);
    }
  }

  private async signIn(customer: Customer, step: number, worker: number): Promise<void> {
    const started = await this.call('start', worker, 'POST', '/v1/authentications', {
      tenantId: this.tenantId,
      userId: customer.userId,
      context: { ip: '203.0.113.7', userAgent: 'fault-suite', deviceId: `d-${customer.userId}` },
    });
    const id = started.json['authentication']?.id as string | undefined;
    if (!id) return;
    const challenge = await this.call('challenge', worker, 'POST', `/v1/authentications/${id}/challenges`, {
      tenantId: this.tenantId,
      factorId: customer.factorId,
    });
    const challengeId = challenge.json['challengeId'] as string | undefined;
    if (!challengeId) return;
    await this.call(
      'verify',
      worker,
      'POST',
      `/v1/authentications/${id}/verify`,
      { tenantId: this.tenantId, challengeId, code: totpAt(customer.secret, step) },
      (json) => ({ challengeId, assertion: typeof json['assertion'] === 'string' }),
    );
  }

  /** A new customer with an active TOTP factor, or undefined when a step failed. */
  private async enrol(seed: number, worker = seed): Promise<Customer | undefined> {
    const created = await this.call('create-user', worker, 'POST', '/v1/users', {
      tenantId: this.tenantId,
      externalId: `load-${seed}-${randomUUID()}`,
    });
    const userId = created.json['user']?.id as string | undefined;
    if (!userId) return undefined;
    const begun = await this.call('begin-enrolment', worker, 'POST', `/v1/users/${userId}/factors`, {
      tenantId: this.tenantId,
      type: 'totp',
    });
    const secret = begun.json['totp']?.secret as string | undefined;
    if (!secret) return undefined;
    // The code of the step before: the current step then stays free for the first sign-in. Near
    // a step's end that code could be two steps old when the server checks it (the policy allows
    // one step of drift), so the activation waits for the next step to begin.
    if (msLeftInStep() < STEP_MARGIN_MS)
      await new Promise((resolve) => setTimeout(resolve, msLeftInStep() + 50));
    const step = currentStep() - 1;
    const activated = await this.call(
      'activate',
      worker,
      'POST',
      `/v1/users/${userId}/enrollments/${begun.json['enrollmentId']}/activate`,
      { tenantId: this.tenantId, proof: { code: totpAt(secret, step) } },
      (json) => ({ factorId: json['factor']?.id as string | undefined }),
    );
    const factorId = activated.json['factor']?.id as string | undefined;
    return factorId ? { userId, secret, factorId, lastStep: step } : undefined;
  }

  private async call(
    op: CallOutcome['op'],
    worker: number,
    method: string,
    path: string,
    body: unknown,
    details: (json: Record<string, any>) => Partial<CallOutcome> = () => ({}), // eslint-disable-line @typescript-eslint/no-explicit-any
  ): Promise<Answer> {
    const instances = this.stack.httpUrls.length;
    let answer: Answer = { status: 'network', json: {}, instance: worker % instances };
    // The retry carries the same Idempotency-Key: if the first instance did the work before it
    // died, the retry gets the stored answer instead of doing it again.
    const headers = { 'idempotency-key': randomUUID() };
    for (let attempt = 0; attempt < 2 && answer.status === 'network'; attempt += 1) {
      const instance = (worker + attempt) % instances;
      try {
        const response = await this.stack.http(method, path, body, { bearer: this.key, instance, headers });
        answer = { status: response.status, json: response.json ?? {}, instance };
      } catch {
        answer = { status: 'network', json: {}, instance };
      }
      this.outcomes.push({
        phase: this.phase,
        op,
        instance,
        status: answer.status,
        ...(answer.status === 'network' && attempt === 0 ? { failedOver: true } : {}),
        ...(typeof answer.json['code'] === 'string' ? { code: answer.json['code'] } : {}),
        ...details(answer.json),
        at: Date.now(),
      });
    }
    return answer;
  }
}
