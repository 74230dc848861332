import { PROTO_FILES, PROTO_PACKAGES, riskV1 } from '@portcullis/contracts';
import { GrpcPeer } from '@portcullis/grpc';
import type { Logger } from '@portcullis/observability';
import type { RiskView } from '../domain/authentication';
import { RiskAssessor, type RiskQuery } from '../domain/ports';

const PASSWORD_CHECK = {
  not_checked: riskV1.PasswordCheck.PASSWORD_CHECK_UNSPECIFIED,
  passed: riskV1.PasswordCheck.PASSWORD_CHECK_PASSED,
  failed: riskV1.PasswordCheck.PASSWORD_CHECK_FAILED,
} as const;

const DECISIONS = new Set(['allow', 'challenge', 'deny']);

/** How long a tenant's fail mode, read from its risk policy, is trusted. */
const FAIL_MODE_TTL_MS = 60_000;

/**
 * The risk service over gRPC, under a short deadline. The caller contract (apps/risk/README.md):
 * when risk is slow or down, the tenant's fail mode decides (challenge unless the tenant chose
 * deny), never allow. The fail mode comes from the tenant's risk policy, remembered from the
 * last time risk answered; a tenant risk never described gets `challenge`.
 */
export class GrpcRiskAssessor extends RiskAssessor {
  private readonly scoring: GrpcPeer<riskV1.RiskServiceClient>;
  private readonly admin: GrpcPeer<riskV1.RiskServiceClient>;
  private readonly failModes = new Map<string, { mode: 'challenge' | 'deny'; at: number }>();

  constructor(
    url: string,
    settings: { scoreDeadlineMs: number; adminDeadlineMs: number },
    private readonly logger: Logger,
  ) {
    super();
    const peer = (deadlineMs: number) =>
      new GrpcPeer<riskV1.RiskServiceClient>({
        url,
        protoPath: PROTO_FILES.risk,
        packageName: PROTO_PACKAGES.risk,
        serviceName: riskV1.RISK_SERVICE_NAME,
        deadlineMs,
      });
    this.scoring = peer(settings.scoreDeadlineMs);
    this.admin = peer(settings.adminDeadlineMs);
  }

  async score(q: RiskQuery): Promise<RiskView> {
    const refresh = this.refreshFailMode(q.tenantId);
    try {
      const r = await this.scoring.call('scoreAttempt', {
        tenantId: q.tenantId,
        attemptId: q.attemptId,
        userId: q.userId ?? '',
        clientIp: q.clientIp ?? '0.0.0.0',
        userAgent: q.userAgent ?? '',
        deviceId: q.deviceId ?? '',
        deviceRemembered: q.deviceRemembered,
        passwordCheck: PASSWORD_CHECK[q.passwordCheck],
        ...(q.action
          ? {
              stepUp: {
                type: q.action.type,
                amount: q.action.amount ?? '',
                currency: q.action.currency ?? '',
              },
            }
          : { signIn: {} }),
      });
      if (!DECISIONS.has(r.decision)) throw new Error(`risk answered an unknown decision ${r.decision}`);
      return {
        score: r.score,
        level: r.level,
        decision: r.decision as RiskView['decision'],
        reasons: r.reasons.map((x) => ({ code: x.code, weight: x.weight, detail: x.detail })),
        fallback: false,
      };
    } catch (error) {
      const mode = this.failModes.get(q.tenantId)?.mode ?? 'challenge';
      this.logger.warn(
        { err: error, tenantId: q.tenantId, attemptId: q.attemptId, failMode: mode },
        'risk did not answer; applying the fail mode',
      );
      return {
        score: 0,
        level: 'unknown',
        decision: mode,
        reasons: [{ code: 'RISK_UNAVAILABLE', weight: 0, detail: `risk did not answer; fail mode ${mode}` }],
        fallback: true,
      };
    } finally {
      void refresh;
    }
  }

  async getPolicy(tenantId: string): Promise<riskV1.GetRiskPolicyResponse> {
    const response = await this.admin.call('getRiskPolicy', { tenantId });
    this.remember(tenantId, response.policy);
    return response;
  }

  async setPolicy(request: riskV1.SetRiskPolicyRequest): Promise<riskV1.SetRiskPolicyResponse> {
    const response = await this.admin.call('setRiskPolicy', request);
    this.remember(request.tenantId, response.policy);
    return response;
  }

  onModuleDestroy(): void {
    this.scoring.close();
    this.admin.close();
  }

  /** Keeps the tenant's fail mode fresh in the background; never delays a score. */
  private refreshFailMode(tenantId: string): Promise<void> | undefined {
    const known = this.failModes.get(tenantId);
    if (known && Date.now() - known.at < FAIL_MODE_TTL_MS) return undefined;
    // Marked now so concurrent scores do not all ask.
    this.failModes.set(tenantId, { mode: known?.mode ?? 'challenge', at: Date.now() });
    return this.getPolicy(tenantId).then(
      () => undefined,
      () => undefined,
    );
  }

  private remember(tenantId: string, policy: riskV1.RiskPolicy | undefined): void {
    this.failModes.set(tenantId, {
      mode: policy?.failMode === 'deny' ? 'deny' : 'challenge',
      at: Date.now(),
    });
  }
}
