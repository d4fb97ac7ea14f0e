import { useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { api, isApiError, type Me } from './api.ts';

/** The signed-in user, or null when nobody is signed in (the hub answers 401). */
export function useMe() {
  return useQuery({
    queryKey: ['me'],
    queryFn: async (): Promise<Me | null> => {
      try {
        return await api.get<Me>('/api/me');
      } catch (err) {
        if (isApiError(err) && err.status === 401) return null;
        throw err;
      }
    },
    staleTime: 60_000,
    retry: false,
  });
}

/** Whether the hub still needs its first-run setup (no user exists yet). */
export function useSetupNeeded(enabled = true) {
  return useQuery({
    queryKey: ['setup'],
    queryFn: () => api.get<{ needed: boolean }>('/api/setup'),
    enabled,
    staleTime: 30_000,
    retry: false,
  });
}

export type SignInReason = 'signedOut' | 'expired';
let reason: SignInReason | undefined;

/** Why the next sign-in page is shown; read once by the redirect to it. */
export function takeSignInReason(): SignInReason | undefined {
  const r = reason;
  reason = undefined;
  return r;
}

/**
 * Drops everything cached for the previous user; the `me` query then says "nobody" and the
 * signed-in area sends the browser to the sign-in page, which says why.
 */
export function signedOut(client: QueryClient, why: SignInReason): void {
  reason = why;
  client.removeQueries({ predicate: (q) => q.queryKey[0] !== 'me' && q.queryKey[0] !== 'setup' });
  client.setQueryData(['me'], null);
}

export function useSetMe() {
  const client = useQueryClient();
  return (me: Me | null) => client.setQueryData(['me'], me);
}
