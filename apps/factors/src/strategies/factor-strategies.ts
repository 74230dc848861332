import { Inject, Injectable } from '@nestjs/common';
import type { FactorType } from '../domain/factor';
import { FACTOR_STRATEGIES, type FactorStrategy } from './factor-strategy';

/** Looks a strategy up by factor type. */
@Injectable()
export class FactorStrategies {
  private readonly byType: ReadonlyMap<FactorType, FactorStrategy>;

  constructor(@Inject(FACTOR_STRATEGIES) strategies: readonly FactorStrategy[]) {
    this.byType = new Map(strategies.map((s) => [s.type, s]));
  }

  of(type: FactorType): FactorStrategy {
    const strategy = this.byType.get(type);
    if (!strategy) throw new Error(`no strategy for factor type ${type}`);
    return strategy;
  }
}
