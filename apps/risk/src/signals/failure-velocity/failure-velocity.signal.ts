import type { Hit, RiskSignal, SignalInput } from '../risk-signal';

/**
 * Failed attempts in sliding windows: per IP, per subnet, per user and per tenant, and the two
 * shapes of attack they reveal: one IP failing across many users (credential stuffing) and many
 * IPs failing at one user (spraying from a botnet).
 */
export class FailureVelocitySignal implements RiskSignal {
  readonly codes = [
    'CREDENTIAL_STUFFING',
    'FAILURE_VELOCITY_IP',
    'FAILURE_VELOCITY_SUBNET',
    'PASSWORD_SPRAY',
    'FAILURE_VELOCITY_USER',
    'FAILURE_VELOCITY_TENANT',
  ] as const;

  evaluate({ velocity: v, thresholds: t }: SignalInput, hit: Hit): void {
    const window = `${Math.round(t.windowSeconds / 60)} min`;
    if (v.ipUsers >= t.ipUsers) {
      hit('CREDENTIAL_STUFFING', `failures against ${v.ipUsers} users from this IP in ${window}`);
    }
    if (v.ipFailures >= t.ipFailures) {
      hit('FAILURE_VELOCITY_IP', `${v.ipFailures} failures from this IP in ${window}`);
    }
    if (v.subnetFailures >= t.subnetFailures) {
      hit('FAILURE_VELOCITY_SUBNET', `${v.subnetFailures} failures from this network in ${window}`);
    }
    if (v.userIps >= t.userIps) {
      hit('PASSWORD_SPRAY', `failures against this user from ${v.userIps} IPs in ${window}`);
    }
    if (v.userFailures >= t.userFailures) {
      hit('FAILURE_VELOCITY_USER', `${v.userFailures} failures against this user in ${window}`);
    }
    if (v.tenantFailures >= t.tenantFailures) {
      hit(
        'FAILURE_VELOCITY_TENANT',
        `${v.tenantFailures} failures across the tenant in ${Math.round(t.tenantWindowSeconds / 60)} min`,
      );
    }
  }
}
