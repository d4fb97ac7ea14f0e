import { useQuery } from '@tanstack/react-query';
import { api } from '../api.ts';
import type { Connection } from './types.ts';

/** The seller's connections: one query, so every page that lists them shares one cache entry and one shape. */
export const useConnections = () => useQuery({ queryKey: ['connections', 'list'], queryFn: async () => (await api.get<{ items: Connection[] }>('/api/connections')).items });
