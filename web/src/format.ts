import type { Locale } from './i18n.ts';

/**
 * Dates, numbers and money through Intl in the console's language. Money is an integer amount in
 * minor units plus a currency code; the number of minor digits comes from Intl (KRW and JPY: 0).
 */

const intlTag: Record<Locale, string> = { ja: 'ja-JP', ko: 'ko-KR', en: 'en-US' };

export function formatDateTime(iso: string | null | undefined, locale: Locale): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat(intlTag[locale], { dateStyle: 'medium', timeStyle: 'short' }).format(d);
}


export function formatNumber(n: number, locale: Locale): string {
  return new Intl.NumberFormat(intlTag[locale]).format(n);
}

/** Digits after the decimal point for a currency: 0 for KRW and JPY, 2 for USD. */
export function minorDigits(currency: string): number {
  return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
}

export function formatMoney(amountMinor: number, currency: string, locale: Locale): string {
  const digits = minorDigits(currency);
  return new Intl.NumberFormat(intlTag[locale], { style: 'currency', currency, minimumFractionDigits: digits, maximumFractionDigits: digits }).format(amountMinor / 10 ** digits);
}
