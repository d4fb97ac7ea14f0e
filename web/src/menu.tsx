import type { ComponentType } from 'react';
import type { Role } from './api.ts';
import type { Catalog } from '../../src/platform/i18n/index.ts';
import { DashboardPage } from './home/dashboard-page.tsx';
import { UsersPage } from './accounts/users-page.tsx';
import { TokensPage } from './accounts/tokens-page.tsx';
import { AuditLogPage } from './accounts/audit-log-page.tsx';
import { AccountPage } from './accounts/account-page.tsx';
import { MallApiSettingsPage } from './connections/mall-api-settings-page.tsx';
import { OrderListPage } from './orders/order-list-page.tsx';
import { OrderPage } from './orders/order-page.tsx';
import { ImportRunPage, ImportRunsPage } from './orders/import-runs-page.tsx';

/** A `menu.*` key of the message catalogs. */
export type MenuLabel = `menu.${keyof Catalog['menu']}`;

export interface MenuPage {
  label: MenuLabel;
  path: string;
  page: ComponentType;
  /** Who sees it; everyone signed in when absent. */
  roles?: readonly Role[];
  /** A route without a menu entry (a page opened from another one, e.g. one order from the list). */
  hidden?: boolean;
}
export interface MenuGroup {
  label: MenuLabel;
  children: MenuEntry[];
}
export type MenuEntry = MenuPage | MenuGroup;

const managers = ['owner', 'admin'] as const;
/** Mall credentials are for the seller's own users; warehouse staff never see them. */
const sellerStaff = ['owner', 'admin', 'operator'] as const;

/**
 * The left menu and the signed-in routes, following the source guide's paths
 * (Orders › Shopping mall integration › Shopping mall API settings, …). Only pages that exist are
 * listed; a module adds its page with one line, e.g. inside an Orders group:
 *   { label: 'menu.mallApiSettings', path: '/orders/mall-integration/api-settings', page: MallApiSettingsPage },
 */
export const menu: MenuEntry[] = [
  { label: 'menu.home', path: '/', page: DashboardPage },
  {
    label: 'menu.orders',
    children: [
      { label: 'menu.orderList', path: '/orders/order-list', page: OrderListPage, roles: sellerStaff },
      { label: 'menu.orderList', path: '/orders/order-list/:id', page: OrderPage, roles: sellerStaff, hidden: true },
      { label: 'menu.importRuns', path: '/orders/import-runs', page: ImportRunsPage, roles: sellerStaff },
      { label: 'menu.importRuns', path: '/orders/import-runs/:id', page: ImportRunPage, roles: sellerStaff, hidden: true },
      {
        label: 'menu.mallIntegration',
        children: [{ label: 'menu.mallApiSettings', path: '/orders/mall-integration/api-settings', page: MallApiSettingsPage, roles: sellerStaff }],
      },
    ],
  },
  {
    label: 'menu.settings',
    children: [
      { label: 'menu.users', path: '/settings/users', page: UsersPage, roles: managers },
      { label: 'menu.apiTokens', path: '/settings/api-tokens', page: TokensPage },
      { label: 'menu.auditLog', path: '/settings/audit-log', page: AuditLogPage, roles: managers },
    ],
  },
  { label: 'menu.account', path: '/account', page: AccountPage },
];

export const isGroup = (e: MenuEntry): e is MenuGroup => 'children' in e;

/** The menu as this role sees it: pages it may open, groups that still have something in them. */
export function visibleMenu(role: Role, entries: MenuEntry[] = menu): MenuEntry[] {
  const out: MenuEntry[] = [];
  for (const e of entries) {
    if (isGroup(e)) {
      const children = visibleMenu(role, e.children);
      if (children.length) out.push({ ...e, children });
    } else if (!e.roles || e.roles.includes(role)) out.push(e);
  }
  return out;
}

export function menuPages(entries: MenuEntry[]): MenuPage[] {
  return entries.flatMap((e) => (isGroup(e) ? menuPages(e.children) : [e]));
}
