import type { SellerScope } from './domain.ts';

export type DashboardCount = (scope: SellerScope) => Promise<number>;

/**
 * The home page's counts of unprocessed work. Each module registers what it can count, named
 * `<module>.<what>` (e.g. `orders.unmapped`); the dashboard grows as modules are added.
 */
export function createDashboardRegistry() {
  const counts = new Map<string, DashboardCount>();
  return {
    registerDashboardCount(name: string, count: DashboardCount): void {
      if (!/^[a-z][a-zA-Z0-9]*\.[a-z][a-zA-Z0-9]*$/.test(name)) throw new Error(`dashboard count "${name}": use <module>.<what>, e.g. orders.unmapped`);
      if (counts.has(name)) throw new Error(`dashboard count "${name}" is registered twice`);
      counts.set(name, count);
    },
    async dashboard(scope: SellerScope): Promise<{ counts: Record<string, number>; modules: string[] }> {
      const entries = await Promise.all([...counts].map(async ([name, count]) => [name, await count(scope)] as const));
      return {
        counts: Object.fromEntries(entries),
        modules: [...new Set([...counts.keys()].map((name) => name.split('.')[0]!))].sort(),
      };
    },
  };
}

