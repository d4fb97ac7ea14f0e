import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/platform/config/config.ts';

/** The problems an operator would read for these settings (none when they are valid). */
function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
    return [];
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    return err.problems;
  }
}

describe('configuration errors', () => {
  it('show a rejected database or Redis URL without its user name and password', () => {
    const shown = problems({
      DATABASE_URL: 'mysql://shop:pg-S3cret@db.internal:5432/hub',
      REDIS_URL: 'http://:rd-S3cret@cache.internal:6379',
    });
    expect(shown).toEqual([
      'DATABASE_URL: expected a postgres://… URL, or sqlite:PATH for a SQLite file (got "mysql://***@db.internal:5432/hub")',
      'REDIS_URL: expected a redis://… URL (got "http://***@cache.internal:6379")',
    ]);
  });

  it('hide a password that holds an @ or a /, and credentials without a scheme', () => {
    const text = [...problems({ DATABASE_URL: 'postgress://shop:pg-S3@c/ret@db/hub' }), ...problems({ REDIS_URL: 'ops:rd-S3cret@cache:6379' })].join('\n');
    expect(text).not.toMatch(/S3|ret@/);
    expect(text).toContain('(got "postgress://***@db/hub")');
    expect(text).toContain('@cache:6379');
  });

  it('still show other rejected values as given', () => {
    expect(problems({ PORT: 'eighty' })).toEqual(['PORT: expected a port number from 0 to 65535 (0 picks a free port) (got "eighty")']);
    expect(problems({ SMARTSHIP_ADMIN_EMAIL: 'ops@', SMARTSHIP_ADMIN_PASSWORD: 'long-enough-pw' })).toEqual(['SMARTSHIP_ADMIN_EMAIL: expected an email address (got "ops@")']);
  });
});

describe('first-owner settings', () => {
  it('refuses SMARTSHIP_ADMIN_EMAIL without SMARTSHIP_ADMIN_PASSWORD, a short password and a bad email, naming the setting', () => {
    const PASSWORD = 'correct horse battery';
    expect(problems({ SMARTSHIP_ADMIN_EMAIL: 'ops@hub.example' })).toEqual([expect.stringMatching(/^SMARTSHIP_ADMIN_PASSWORD: set SMARTSHIP_ADMIN_EMAIL and SMARTSHIP_ADMIN_PASSWORD together/)]);
    expect(problems({ SMARTSHIP_ADMIN_EMAIL: 'ops@hub.example', SMARTSHIP_ADMIN_PASSWORD: 'short-pw' })).toEqual(['SMARTSHIP_ADMIN_PASSWORD: expected at least 10 characters (value hidden)']);
    expect(problems({ SMARTSHIP_ADMIN_EMAIL: 'not-an-email', SMARTSHIP_ADMIN_PASSWORD: PASSWORD })).toEqual([expect.stringMatching(/^SMARTSHIP_ADMIN_EMAIL: expected an email address/)]);
    expect(loadConfig({ SMARTSHIP_ADMIN_EMAIL: 'ops@hub.example', SMARTSHIP_ADMIN_PASSWORD: PASSWORD }).admin).toEqual({ email: 'ops@hub.example', password: PASSWORD, sellerName: 'My shop' });
    expect(loadConfig({}).admin).toBeUndefined();
  });
});
