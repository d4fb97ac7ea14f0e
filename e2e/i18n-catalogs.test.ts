import { describe, expect, it } from 'vitest';
import { catalogs, locales, translate } from '../src/platform/i18n/index.ts';

// (Not a browser test; it lives beside the console's tests because it guards the console's words.)

function keys(tree: unknown, prefix = ''): string[] {
  return Object.entries(tree as Record<string, unknown>).flatMap(([k, v]) => (typeof v === 'string' ? [`${prefix}${k}`] : keys(v, `${prefix}${k}.`)));
}
function values(tree: unknown): string[] {
  return Object.values(tree as Record<string, unknown>).flatMap((v) => (typeof v === 'string' ? [v] : values(v)));
}

describe('message catalogs', () => {
  it('ja, ko and en have exactly the same keys', () => {
    const en = keys(catalogs.en).sort();
    expect(en.length).toBeGreaterThan(100);
    for (const locale of locales) expect(keys(catalogs[locale]).sort(), locale).toEqual(en);
  });

  it('no message is empty and every {{placeholder}} of English is in the others', () => {
    const placeholders = (s: string) => [...s.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort();
    for (const key of keys(catalogs.en)) {
      for (const locale of locales) {
        const text = translate(locale, key);
        expect(text.trim(), `${locale} ${key}`).not.toBe('');
        expect(placeholders(text), `${locale} ${key}`).toEqual(placeholders(translate('en', key)));
      }
    }
  });

  it('uses the glossary words: 送り状 (never 請求書) in Japanese, 송장 in Korean', () => {
    expect(values(catalogs.ja).join('\n')).not.toContain('請求書');
    expect(catalogs.ja.menu.waybills).toBe('送り状');
    expect(catalogs.ko.menu.waybills).toBe('송장');
    expect([catalogs.ja.menu.orders, catalogs.ko.menu.orders, catalogs.en.menu.orders]).toEqual(['注文', '주문', 'Orders']);
    expect([catalogs.ja.menu.mallIntegration, catalogs.ko.menu.mallIntegration]).toEqual(['ショッピングモール連動', '쇼핑몰 연동']);
    expect([catalogs.ja.menu.mallApiSettings, catalogs.ko.menu.mallApiSettings]).toEqual(['ショッピングモールAPI設定', '쇼핑몰 API 설정']);
    expect([catalogs.ja.terms.autoOrderConfirmation, catalogs.ko.terms.autoOrderConfirmation]).toEqual(['自動注文確認', '자동 발주확인']);
  });

  it('translate() fills values and falls back to English, then to the key', () => {
    expect(translate('ja', 'tokens.revoked', { name: 'x' })).toBe('トークン「x」を失効させました。');
    expect(translate('ko', 'no.such.key')).toBe('no.such.key');
  });
});
