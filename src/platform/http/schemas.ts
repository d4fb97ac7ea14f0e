import { z } from 'zod';

/** The one error shape every route answers with (see server.ts), for the OpenAPI document. */
export const errorBody = z
  .object({ error: z.object({ code: z.string(), message: z.string(), details: z.record(z.string(), z.unknown()).optional() }) })
  .describe('An error');

/** `response` entries for a route's error answers. */
export const errorResponses = { '4xx': errorBody };

/** `response` for a route that answers 204 with no body. */
export const noContent = { 204: z.null().describe('No content'), ...errorResponses };

/** `:id` of a route: any stored id (UUIDs); a row of another seller answers 404, not 400. */
export const idParams = z.object({ id: z.string().min(1).max(64) });
