import { useQuery } from '@tanstack/react-query';
import { api, type User } from '../api.ts';

/** The seller's users and the warehouse staff serving it (owner, admin). */
export const useUsers = () => useQuery({ queryKey: ['users'], queryFn: async () => (await api.get<{ users: User[] }>('/api/users')).users });
