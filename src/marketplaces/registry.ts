import { createElevenstAdapter, type ElevenstAdapterOptions } from './elevenst/adapter.ts';
import type { MallId, MarketplaceAdapter } from './types.ts';

export interface MarketplaceFactoryOptions {
  elevenst?: ElevenstAdapterOptions;
}

export type MarketplaceFactory = (options: MarketplaceFactoryOptions) => MarketplaceAdapter;

/** Mall id → adapter factory. Add a mall here and nowhere else. */
export const marketplaceFactories: Readonly<Record<MallId, MarketplaceFactory>> = {
  '11st': (options) => createElevenstAdapter(options.elevenst),
};

export const mallIds = Object.keys(marketplaceFactories) as MallId[];

export function isMallId(id: string): id is MallId {
  return Object.hasOwn(marketplaceFactories, id);
}

export interface MarketplaceRegistry {
  /** The adapter of a mall; one instance per registry, so its rate limiter is shared. */
  get(mall: MallId): MarketplaceAdapter;
  mallIds(): MallId[];
}

/** Builds adapters lazily, once each. */
export function createMarketplaceRegistry(options: MarketplaceFactoryOptions = {}): MarketplaceRegistry {
  const built = new Map<MallId, MarketplaceAdapter>();
  return {
    get(mall) {
      if (!isMallId(mall)) throw new RangeError(`unknown mall ${JSON.stringify(mall)}`);
      let adapter = built.get(mall);
      if (!adapter) {
        adapter = marketplaceFactories[mall](options);
        built.set(mall, adapter);
      }
      return adapter;
    },
    mallIds: () => [...mallIds],
  };
}
