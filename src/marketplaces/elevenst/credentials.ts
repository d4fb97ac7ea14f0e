import { z } from 'zod';

/** What a seller enters for an 11st connection: the seller ID and the OpenAPI key. */
export const elevenstCredentialsSchema = z.object({
  /** The 11st seller ID (샵 ID); informational, the key alone identifies the seller to 11st. */
  shopId: z.string().trim().min(1).max(100),
  /** The OpenAPI key (32 characters in production; the sandbox may issue other lengths). */
  apiKey: z
    .string()
    .trim()
    .min(8)
    .max(200)
    .regex(/^[\x21-\x7e]+$/, 'API key must be printable ASCII without spaces'),
});

export type ElevenstCredentials = z.infer<typeof elevenstCredentialsSchema>;
