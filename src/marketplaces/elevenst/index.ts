export { createElevenstAdapter, elevenstLimits, type ElevenstAdapterOptions } from './adapter.ts';
export { createElevenstClient, defaultBaseUrl, type ElevenstClient, type ElevenstClientOptions } from './client.ts';
export { elevenstCredentialsSchema, type ElevenstCredentials } from './credentials.ts';
