import type { AlertSettings } from './alerts';
import type { VelocityThresholds } from './velocity';

/** Service-wide tuning from the settings (tenant-specific choices live in the risk policy). */
export abstract class RiskSettings {
  abstract readonly velocity: VelocityThresholds;
  abstract readonly alerts: AlertSettings & {
    /** Refused messages in the tenant within the window that suggest SMS pumping. */
    readonly tollFraudRefusals: number;
    readonly tollFraudWindowSeconds: number;
  };
  /** Profile entries and whole profiles not seen for this long are dropped. */
  abstract readonly profileRetentionMs: number;
}
