import { AsyncLocalStorage } from 'node:async_hooks';
import type { DataSource, EntityManager } from 'typeorm';

const ambient = new AsyncLocalStorage<EntityManager>();

/**
 * Runs `work` so that every `transactional()` call inside it joins `manager`'s transaction
 * instead of opening its own. Event consumers use it: the use-case's writes then commit together
 * with the consumed event's id, which is what makes consuming idempotent.
 */
export function joinTransaction<T>(manager: EntityManager, work: () => Promise<T>): Promise<T> {
  return ambient.run(manager, work);
}

/** A transaction of its own, or the ambient one opened by `joinTransaction`. */
export function transactional<T>(
  dataSource: DataSource,
  work: (manager: EntityManager) => Promise<T>,
): Promise<T> {
  const joined = ambient.getStore();
  return joined ? work(joined) : dataSource.transaction(work);
}
