import { useState } from 'react';
import { useInfiniteQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, type AuditEntry, type AuditPage } from '../api.ts';
import { formatDateTime } from '../format.ts';
import { catalogs } from '../../../src/platform/i18n/index.ts';
import { currentLocale } from '../i18n.ts';
import { Button } from '../ui/form.tsx';
import { LoadError, Loading, PageHeader } from '../ui/page.tsx';
import { DataTable, type Column } from '../ui/table.tsx';
import { useUsers } from './queries.ts';

const PAGE_SIZE = 50;

/** Every action the hub records: the catalogs name each one (see AuditAction). */
const auditActions = Object.entries(catalogs.en.auditActions).flatMap(([group, events]) => Object.keys(events).map((event) => `${group}.${event}`));

/** Ids are long (UUIDs); the first block is enough to tell rows apart, the full id is in the tooltip. */
const shortId = (id: string) => (id.length > 12 ? `${id.slice(0, 8)}…` : id);

function detailsText(details: Record<string, unknown> | null | undefined): string {
  return Object.entries(details ?? {})
    .map(([k, v]) => `${k}: ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
    .join(', ');
}

/** The audit log, newest first, filtered by action, loaded page by page (keyset cursor). */
export function AuditLogPage() {
  const { t, i18n } = useTranslation();
  const locale = currentLocale();
  // Codes written by an older version may have no name any more: the code itself is shown then.
  const actionName = (code: string) => (i18n.exists(`auditActions.${code}`) ? t(`auditActions.${code}`) : code);
  const targetName = (type: string) => (i18n.exists(`auditTargets.${type}`) ? t(`auditTargets.${type}`) : type);
  const [action, setAction] = useState('');
  const log = useInfiniteQuery({
    queryKey: ['audit-log', action],
    initialPageParam: '',
    queryFn: ({ pageParam }) => {
      const q = new URLSearchParams({ limit: String(PAGE_SIZE) });
      if (pageParam) q.set('cursor', pageParam);
      if (action) q.set('action', action);
      return api.get<AuditPage>(`/api/audit-log?${q}`);
    },
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const rows = log.data?.pages.flatMap((p) => p.entries) ?? [];
  // Entries name users by id; the seller's user list (same audience as this page) gives their names.
  const users = useUsers();
  const userById = new Map((users.data ?? []).map((u) => [u.id, u]));
  const actorText = (r: AuditEntry) => {
    const user = r.actor.userId ? userById.get(r.actor.userId) : undefined;
    return user?.name ?? r.actor.email ?? (r.actor.userId ? shortId(r.actor.userId) : '');
  };
  const targetText = (r: AuditEntry) => {
    if (!r.target) return '';
    const user = r.target.type === 'user' ? userById.get(r.target.id) : undefined;
    return user ? user.name : shortId(r.target.id);
  };

  const columns: Column<AuditEntry>[] = [
    { key: 'at', header: t('audit.at'), value: (r) => r.at, render: (r) => <time dateTime={r.at}>{formatDateTime(r.at, locale)}</time>, width: '11rem' },
    { key: 'action', header: t('audit.action'), value: (r) => actionName(r.action), render: (r) => <span title={r.action}>{actionName(r.action)}</span>, width: '13rem' },
    {
      key: 'actor',
      header: t('audit.actor'),
      value: actorText,
      render: (r) => (actorText(r) ? <span title={r.actor.email ?? r.actor.userId ?? undefined}>{actorText(r)}</span> : <em className="muted">{t('audit.system')}</em>),
      width: '12rem',
    },
    {
      key: 'target',
      header: t('audit.target'),
      value: (r) => (r.target ? `${targetName(r.target.type)} ${targetText(r)}` : ''),
      render: (r) =>
        r.target && (
          <span title={`${r.target.type} ${r.target.id}`}>
            <span className="muted">{targetName(r.target.type)}</span> {targetText(r)}
          </span>
        ),
      width: '14rem',
    },
    { key: 'details', header: t('audit.details'), value: (r) => detailsText(r.details), sortable: false, render: (r) => <span className="details" title={detailsText(r.details)}>{detailsText(r.details)}</span> },
    { key: 'ip', header: t('audit.ip'), value: (r) => r.ip ?? '', render: (r) => <span title={r.userAgent ?? undefined}>{r.ip}</span>, width: '8rem' },
  ];

  return (
    <>
      <PageHeader title={t('audit.title')} />
      <div className="toolbar">
        <label className="table-filter">
          <span>{t('audit.filterAction')}</span>
          <select value={action} onChange={(e) => setAction(e.target.value)} data-testid="audit-action-filter">
            <option value="">{t('audit.allActions')}</option>
            {auditActions.map((a) => (
              <option key={a} value={a}>
                {actionName(a)}
              </option>
            ))}
          </select>
        </label>
      </div>
      {log.isPending ? (
        <Loading />
      ) : log.isError ? (
        <LoadError error={log.error} retry={() => void log.refetch()} />
      ) : (
        <>
          <DataTable rows={rows} columns={columns} rowKey={(r) => r.id} empty={t('audit.empty')} caption={t('audit.title')} testId="audit-table" />
          <div className="table-footer">
            {log.hasNextPage ? (
              <Button type="button" busy={log.isFetchingNextPage} onClick={() => void log.fetchNextPage()}>
                {log.isFetchingNextPage ? t('audit.loadingMore') : t('audit.loadMore')}
              </Button>
            ) : (
              rows.length > 0 && <span className="muted">{t('audit.end')}</span>
            )}
          </div>
        </>
      )}
    </>
  );
}
