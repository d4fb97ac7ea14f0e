import type { Catalog, Locale } from './catalog.ts';
import { en } from './en.ts';
import { ja } from './ja.ts';
import { ko } from './ko.ts';

export { locales, type AuditAction, type AuditTargetType, type Catalog, type Locale } from './catalog.ts';

/** Every catalog by locale; the web console loads these into i18next, the server can use them for messages. */
export const catalogs: Record<Locale, Catalog> = { ja, ko, en };

/** Looks up a dotted key (`signIn.wrongPassword`) with `{{name}}` values; falls back to English, then to the key. */
export function translate(locale: Locale, key: string, values: Record<string, string | number> = {}): string {
  const find = (tree: unknown) => key.split('.').reduce<unknown>((node, part) => (node && typeof node === 'object' ? (node as Record<string, unknown>)[part] : undefined), tree);
  const text = find(catalogs[locale]) ?? find(catalogs.en);
  if (typeof text !== 'string') return key;
  return text.replace(/\{\{(\w+)\}\}/g, (m, name: string) => (name in values ? String(values[name]) : m));
}
