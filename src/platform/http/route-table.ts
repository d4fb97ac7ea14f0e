import type { RouteOptions } from 'fastify';

/** One registered route as the route-table walk and the auth hook see it. */
export interface RouteEntry {
  method: string;
  url: string;
  public: boolean;
}

const tables = new WeakMap<object, Array<{ method: string; route: RouteOptions }>>();

/** Starts recording every route added to `app` from now on (call before any route is added). */
export function recordRoutes(app: { addHook(name: 'onRoute', hook: (route: RouteOptions) => void): unknown }): void {
  const table: Array<{ method: string; route: RouteOptions }> = [];
  tables.set(app, table);
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    // Keep the options object itself: onRoute hooks added later (the API docs) may still change its config.
    for (const method of methods) table.push({ method: String(method), route });
  });
}

/** Every route added to the server since it was created (HEAD twins of GET routes included). */
export function routeTable(app: object): RouteEntry[] {
  return (tables.get(app) ?? []).map(({ method, route }) => ({ method, url: route.url, public: (route.config as { public?: boolean } | undefined)?.public === true }));
}
