import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../src/app/app.ts';
import { loadConfig } from '../../src/platform/config/config.ts';
import { createLogger } from '../../src/platform/log/logger.ts';

const OWNER = { email: 'owner@proxy.example', password: 'a long enough password' };

/**
 * Signs the owner in from `peer` (the TCP address the hub sees) with a forged X-Forwarded-For, and
 * returns the IP the audit log recorded for that sign-in.
 */
async function auditedSignInIp(env: Record<string, string>, peer: string): Promise<string | null> {
  const dataDir = mkdtempSync(join(tmpdir(), 'smartship-proxy-'));
  const config = loadConfig({ SMARTSHIP_DATA_DIR: dataDir, SMARTSHIP_ADMIN_EMAIL: OWNER.email, SMARTSHIP_ADMIN_PASSWORD: OWNER.password, ...env });
  const app = await createApp(config, 'api', createLogger({ level: 'silent' }));
  try {
    const http = app.http!;
    const headers = { 'x-forwarded-for': '6.6.6.6' };
    const signIn = await http.inject({ method: 'POST', url: '/api/session', remoteAddress: peer, headers, payload: OWNER });
    expect(signIn.statusCode).toBe(200);
    const cookie = signIn.cookies.map((c) => `${c.name}=${c.value}`).join('; ');
    const audit = await http.inject({ method: 'GET', url: '/api/audit-log', remoteAddress: peer, headers: { ...headers, cookie } });
    const entries = (audit.json() as { entries: Array<{ action: string; ip: string | null }> }).entries;
    return entries.find((e) => e.action === 'session.signed_in')!.ip;
  } finally {
    await app.stop();
  }
}

describe('SMARTSHIP_TRUST_PROXY', () => {
  it('by default ignores X-Forwarded-For from a client on the network: the audit log keeps its real address', async () => {
    expect(await auditedSignInIp({}, '203.0.113.7')).toBe('203.0.113.7');
  });

  it('by default believes a proxy on the same machine (loopback)', async () => {
    expect(await auditedSignInIp({}, '127.0.0.1')).toBe('6.6.6.6');
  });

  it('believes the named proxies only, and none with false', async () => {
    expect(await auditedSignInIp({ SMARTSHIP_TRUST_PROXY: '10.0.0.0/8, 192.168.1.10' }, '10.1.2.3')).toBe('6.6.6.6');
    expect(await auditedSignInIp({ SMARTSHIP_TRUST_PROXY: '10.0.0.0/8' }, '203.0.113.7')).toBe('203.0.113.7');
    expect(await auditedSignInIp({ SMARTSHIP_TRUST_PROXY: 'false' }, '127.0.0.1')).toBe('127.0.0.1');
  });
});
