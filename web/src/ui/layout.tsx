import { useEffect, useState } from 'react';
import { NavLink, Outlet, useLocation } from 'react-router';
import { useTranslation } from 'react-i18next';
import { useQueryClient } from '@tanstack/react-query';
import { api, type Me } from '../api.ts';
import { isGroup, visibleMenu, type MenuEntry } from '../menu.tsx';
import { signedOut } from '../session.ts';
import { LanguageSelect } from './language-select.tsx';

function MenuList({ entries, depth = 0 }: { entries: MenuEntry[]; depth?: number }) {
  const { t } = useTranslation();
  return (
    <ul className={`menu menu-depth-${depth}`}>
      {entries.filter((e) => isGroup(e) || !e.hidden).map((e) =>
        isGroup(e) ? (
          <li key={e.label} className="menu-group">
            <span className="menu-group-label">{t(e.label)}</span>
            <MenuList entries={e.children} depth={depth + 1} />
          </li>
        ) : (
          <li key={e.path}>
            <NavLink to={e.path} end className="menu-link">
              {t(e.label)}
            </NavLink>
          </li>
        ),
      )}
    </ul>
  );
}

/** The signed-in frame: header (seller, language, user, sign-out), the left menu, the page. */
export function Layout({ me }: { me: Me }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const location = useLocation();
  const [menuOpen, setMenuOpen] = useState(false);
  useEffect(() => setMenuOpen(false), [location.pathname]);

  const signOut = async () => {
    try {
      await api.delete('/api/session');
    } finally {
      signedOut(client, 'signedOut');
    }
  };

  return (
    <div className={`shell${menuOpen ? ' menu-open' : ''}`}>
      <a href="#main" className="skip-link">
        {t('common.skipToContent')}
      </a>
      <header className="topbar">
        <button type="button" className="menu-toggle" aria-expanded={menuOpen} aria-controls="side-menu" onClick={() => setMenuOpen((o) => !o)}>
          <span aria-hidden="true">☰</span> <span className="menu-toggle-text">{t(menuOpen ? 'menu.closeMenu' : 'menu.openMenu')}</span>
        </button>
        <span className="brand">{t('app.name')}</span>
        {me.seller && <span className="seller-name">{me.seller.name}</span>}
        <span className="topbar-spacer" />
        <LanguageSelect me={me} />
        <NavLink to="/account" className="user-name" title={me.email}>
          {me.name}
        </NavLink>
        <button type="button" className="btn btn-secondary btn-small" onClick={() => void signOut()} data-testid="sign-out">
          {t('menu.signOut')}
        </button>
      </header>
      <nav id="side-menu" className="sidebar" aria-label={t('menu.openMenu')} data-testid="side-menu">
        <MenuList entries={visibleMenu(me.role)} />
      </nav>
      {menuOpen && <div className="scrim" onClick={() => setMenuOpen(false)} aria-hidden="true" />}
      <main id="main" className="content" tabIndex={-1}>
        <Outlet />
      </main>
    </div>
  );
}
