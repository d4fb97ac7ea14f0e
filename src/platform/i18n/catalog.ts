import { en } from './en.ts';

/** Turns the English tree into "same keys, any string" so the other catalogs are checked against it. */
type Strings<T> = { [K in keyof T]: T[K] extends string ? string : Strings<T[K]> };

/** The shape of a message catalog: the keys of en.ts, each a string. */
export type Catalog = Strings<typeof en>;

/** Every audit log action code (`group.event`): one with no translation in the catalogs does not compile. */
export type AuditAction = { [G in keyof Catalog['auditActions']]: `${G & string}.${keyof Catalog['auditActions'][G] & string}` }[keyof Catalog['auditActions']];

/** What an audit log entry is about. */
export type AuditTargetType = keyof Catalog['auditTargets'];

export const locales = ['ja', 'ko', 'en'] as const;
export type Locale = (typeof locales)[number];
