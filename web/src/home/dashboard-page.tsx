import { Link } from 'react-router';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, type Dashboard } from '../api.ts';
import { formatNumber } from '../format.ts';
import { currentLocale } from '../i18n.ts';
import { EmptyState, LoadError, Loading, PageHeader } from '../ui/page.tsx';
import { dashboardLinks } from '../orders/types.ts';

/** Where a count's card leads: the page that lists that work, filtered. */

/** Home: the unprocessed work each module can count; grows as modules add counts to /api/dashboard. */
export function DashboardPage() {
  const { t, i18n } = useTranslation();
  const dashboard = useQuery({ queryKey: ['dashboard'], queryFn: () => api.get<Dashboard>('/api/dashboard'), refetchInterval: 60_000 });
  const locale = currentLocale();

  const waiting = Object.entries(dashboard.data?.counts ?? {}).filter(([, n]) => n > 0);
  const label = (key: string) => (i18n.exists(`home.counts.${key}`) ? t(`home.counts.${key}` as 'home.title') : key);

  return (
    <>
      <PageHeader title={t('home.title')}>{t('home.intro')}</PageHeader>
      {dashboard.isPending ? (
        <Loading />
      ) : dashboard.isError ? (
        <LoadError error={dashboard.error} retry={() => void dashboard.refetch()} />
      ) : waiting.length === 0 ? (
        <EmptyState title={t('home.nothingWaiting')}>{t('home.nothingWaitingHint')}</EmptyState>
      ) : (
        <ul className="cards" data-testid="dashboard-cards">
          {waiting.map(([key, n]) => (
            <li key={key} className={`card${dashboardLinks[key] ? ' card-link' : ''}`} data-count={key}>
              {dashboardLinks[key] ? (
                <Link to={dashboardLinks[key]}>
                  <span className="card-count">{formatNumber(n, locale)}</span>
                  <span className="card-label">{label(key)}</span>
                </Link>
              ) : (
                <>
                  <span className="card-count">{formatNumber(n, locale)}</span>
                  <span className="card-label">{label(key)}</span>
                </>
              )}
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
