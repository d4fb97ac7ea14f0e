import { useEffect, useRef, useState } from 'react';
import { Link } from 'react-router';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../api.ts';
import { useErrorText } from '../errors.ts';
import { formatDateTime } from '../format.ts';
import { currentLocale } from '../i18n.ts';
import { ConfirmDialog } from '../ui/confirm.tsx';
import { Button, FormError, Notice } from '../ui/form.tsx';
import { EmptyState, LoadError, Loading, PageHeader } from '../ui/page.tsx';
import { DataTable, type Column } from '../ui/table.tsx';
import { ConnectionForm } from './connection-form.tsx';
import { GuidePanel } from './guide-panel.tsx';
import { TestResult } from './test-result.tsx';
import { importRunsPath } from '../orders/types.ts';
import { defaultOptions, malls, switches, switchLabel, type Connection, type ConnectionTest, type MallId } from './types.ts';
import { useConnections } from './queries.ts';

/** What the page shows besides the list: nothing, the mall choice, the form for a new connection, or an edit. */
type Mode = { kind: 'list' } | { kind: 'choose' } | { kind: 'new'; mall: MallId } | { kind: 'edit'; id: string };


/**
 * Orders › Shopping mall integration › Shopping mall API settings: the seller's connections, the
 * guide's "Shopping mall integration registration" form, the connection test before and after saving,
 * and step 1 of the guide (issuing the key on 11st) with the hub's addresses to register.
 */
export function MallApiSettingsPage() {
  const { t } = useTranslation();
  const client = useQueryClient();
  const errorText = useErrorText();
  const locale = currentLocale();
  const connections = useConnections();
  const [mode, setMode] = useState<Mode>({ kind: 'list' });
  const [notice, setNotice] = useState<string | null>(null);
  const [rowTest, setRowTest] = useState<{ name: string; test: ConnectionTest } | null>(null);
  const [deleting, setDeleting] = useState<Connection | null>(null);
  const [guideOpen, setGuideOpen] = useState<boolean | null>(null);
  const formRef = useRef<HTMLDivElement>(null);

  // The guide's step 1 is open until the first connection exists; then folded unless opened.
  const none = connections.data?.length === 0;
  const showGuide = guideOpen ?? (none || mode.kind === 'choose' || mode.kind === 'new');

  useEffect(() => {
    if (mode.kind !== 'list') formRef.current?.scrollIntoView({ block: 'start', behavior: 'instant' });
  }, [mode]);

  const clearMessages = () => (setNotice(null), setRowTest(null), toggle.reset(), testRow.reset());

  const toggle = useMutation({
    mutationFn: (c: Connection) => api.patch<Connection>(`/api/connections/${encodeURIComponent(c.id)}`, { enabled: !c.enabled }),
    onSuccess: (c) => {
      setNotice(t(c.enabled ? 'connections.enabledNotice' : 'connections.disabledNotice', { name: c.name }));
      void client.invalidateQueries({ queryKey: ['connections'] });
    },
  });
  const testRow = useMutation({
    mutationFn: (c: Connection) => api.post<ConnectionTest>(`/api/connections/${encodeURIComponent(c.id)}/test`),
    onMutate: () => (setNotice(null), setRowTest(null)),
    onSuccess: (test, c) => {
      setRowTest({ name: c.name, test });
      void client.invalidateQueries({ queryKey: ['connections'] });
    },
  });
  const remove = useMutation({
    mutationFn: (c: Connection) => api.delete(`/api/connections/${encodeURIComponent(c.id)}`),
    onSuccess: (_r, c) => {
      setDeleting(null);
      if (mode.kind === 'edit' && mode.id === c.id) setMode({ kind: 'list' });
      setNotice(t('connections.deleted', { name: c.name }));
      void client.invalidateQueries({ queryKey: ['connections'] });
    },
  });

  const editing = mode.kind === 'edit' ? connections.data?.find((c) => c.id === mode.id) : undefined;

  const columns: Column<Connection>[] = [
    { key: 'mall', header: t('connections.columns.mall'), value: (c) => t(`connections.malls.${c.mall}`), width: '6rem' },
    { key: 'name', header: t('connections.columns.name'), value: (c) => c.name },
    { key: 'shopId', header: t('connections.columns.shopId'), value: (c) => c.shopId, render: (c) => <code>{c.shopId}</code> },
    {
      key: 'enabled',
      header: t('connections.columns.enabled'),
      value: (c) => (c.enabled ? t('connections.enabled') : t('connections.disabled')),
      render: (c) => <span className={`badge ${c.enabled ? 'badge-on' : 'badge-off'}`}>{c.enabled ? t('connections.enabled') : t('connections.disabled')}</span>,
    },
    {
      key: 'options',
      header: t('connections.columns.options'),
      value: (c) => switches.filter((s) => c.options[s]).length,
      sortable: false,
      render: (c) => (
        <span className="option-chips">
          {switches.map((s) => {
            const label = t(switchLabel[s]);
            const text = t(c.options[s] ? 'connections.optionOn' : 'connections.optionOff', { option: label });
            return (
              <span key={s} className={`chip ${c.options[s] ? 'chip-on' : 'chip-off'}`} title={text} aria-label={text} data-option={s} data-on={c.options[s]}>
                <span aria-hidden="true">{c.options[s] ? '●' : '○'}</span> {t(`connections.optionShort.${s}`)}
              </span>
            );
          })}
        </span>
      ),
    },
    {
      key: 'lastTest',
      header: t('connections.columns.lastTest'),
      value: (c) => c.lastTest?.testedAt,
      render: (c) =>
        c.lastTest ? (
          <span className="cell-stack" title={c.lastTest.message} data-testid="last-test" data-result={c.lastTest.result}>
            <span className={`badge ${c.lastTest.ok ? 'badge-on' : 'badge-fail'}`}>
              {c.lastTest.ok ? '✓' : '✕'} {t(`connections.resultShort.${c.lastTest.result}`)}
              {c.lastTest.ok && ` · ${c.lastTest.roundTripMs} ms`}
            </span>
            <span className="muted small">{formatDateTime(c.lastTest.testedAt, locale)}</span>
          </span>
        ) : (
          <span className="muted">{t('connections.neverTested')}</span>
        ),
    },
    {
      key: 'lastImport',
      header: t('connections.columns.lastImport'),
      value: (c) => c.lastImport?.finishedAt,
      render: (c) => {
        const run = c.lastImport;
        if (!run) return <span className="muted">{t('connections.neverImported')}</span>;
        const failed = run.status === 'failed';
        return (
          <span className="cell-stack" title={run.error} data-testid="last-import" data-status={run.status}>
            <span>
              <span className={`badge ${failed ? 'badge-fail' : 'badge-on'}`}>
                {failed ? '✕ ' : ''}
                {t(`connections.importStatus.${run.status}`)}
              </span>
              <span className="muted small"> {t('connections.importCounts', { fetched: run.fetched, new: run.new })}</span>
            </span>
            <span className="muted small">
              {formatDateTime(run.finishedAt, locale)} ·{' '}
              <Link to={`${importRunsPath}?connectionId=${encodeURIComponent(c.id)}`} data-testid="import-runs-link">
                {t('orders.runs.openRuns')}
              </Link>
            </span>
          </span>
        );
      },
    },
    {
      key: 'actions',
      header: t('connections.columns.actions'),
      value: () => '',
      sortable: false,
      align: 'right',
      render: (c) => (
        <span className="row-actions">
          <Button className="btn-small" type="button" busy={testRow.isPending && testRow.variables?.id === c.id} onClick={() => testRow.mutate(c)}>
            {testRow.isPending && testRow.variables?.id === c.id ? t('connections.testing') : t('terms.connectionTest')}
          </Button>
          <Button className="btn-small" type="button" onClick={() => (clearMessages(), setMode({ kind: 'edit', id: c.id }))}>
            {t('connections.edit')}
          </Button>
          <Button className="btn-small" type="button" busy={toggle.isPending && toggle.variables?.id === c.id} onClick={() => (clearMessages(), toggle.mutate(c))}>
            {c.enabled ? t('connections.disable') : t('connections.enable')}
          </Button>
          <Button className="btn-small" kind="danger" type="button" onClick={() => (remove.reset(), setDeleting(c))}>
            {t('connections.delete')}
          </Button>
        </span>
      ),
    },
  ];

  const startNew = () => {
    clearMessages();
    setMode({ kind: 'choose' });
  };

  return (
    <>
      <PageHeader
        title={t('menu.mallApiSettings')}
        actions={
          <Button kind="primary" type="button" onClick={startNew} data-testid="new-registration" aria-expanded={mode.kind === 'choose' || mode.kind === 'new'}>
            + {t('terms.newRegistration')}
          </Button>
        }
      >
        <span className="breadcrumb">{t('connections.breadcrumb')}</span> {t('connections.intro')}
      </PageHeader>

      <GuidePanel open={showGuide} onToggle={(open) => open !== showGuide && setGuideOpen(open)} />

      <div ref={formRef} className="form-anchor">
        {(mode.kind === 'choose' || mode.kind === 'new') && (
          <section className="panel mall-choice" aria-labelledby="choose-mall-title" data-testid="choose-mall">
            <h2 id="choose-mall-title">{t('connections.chooseMallTitle')}</h2>
            <p className="muted">{t('connections.chooseMallIntro')}</p>
            <div className="mall-buttons" role="group" aria-labelledby="choose-mall-title">
              {malls.map((m, i) => (
                <button
                  key={m}
                  type="button"
                  className={`mall-button${mode.kind === 'new' && mode.mall === m ? ' selected' : ''}`}
                  aria-pressed={mode.kind === 'new' && mode.mall === m}
                  autoFocus={mode.kind === 'choose' && i === 0}
                  onClick={() => setMode({ kind: 'new', mall: m })}
                >
                  {t(`connections.malls.${m}`)}
                </button>
              ))}
            </div>
          </section>
        )}
        {mode.kind === 'new' && (
          <ConnectionForm
            key={`new-${mode.mall}`}
            mall={mode.mall}
            connection={null}
            options={defaultOptions}
            onClose={() => setMode({ kind: 'list' })}
            onSaved={(c) => {
              setNotice(t('connections.created', { name: c.name }));
              setMode({ kind: 'edit', id: c.id });
            }}
          />
        )}
        {mode.kind === 'edit' && editing && (
          <ConnectionForm
            key={`edit-${editing.id}`}
            mall={editing.mall}
            connection={editing}
            options={editing.options}
            intro={<Notice message={notice} />}
            onClose={() => (setNotice(null), setMode({ kind: 'list' }))}
            onSaved={(c, created) => {
              setNotice(t(created ? 'connections.created' : 'connections.updated', { name: c.name }));
              setMode({ kind: 'list' });
            }}
          />
        )}
      </div>

      {mode.kind !== 'edit' && <Notice message={notice} />}
      {rowTest && <TestResult test={rowTest.test} name={rowTest.name} />}
      <FormError message={toggle.error ? errorText(toggle.error) : testRow.error ? errorText(testRow.error) : null} />

      {connections.isPending ? (
        <Loading />
      ) : connections.isError ? (
        <LoadError error={connections.error} retry={() => void connections.refetch()} />
      ) : connections.data.length === 0 ? (
        mode.kind === 'list' && (
          <EmptyState title={t('connections.emptyTitle')}>
            {t('connections.emptyText')}{' '}
            <Button kind="link" type="button" onClick={startNew}>
              + {t('terms.newRegistration')}
            </Button>
          </EmptyState>
        )
      ) : (
        <DataTable rows={connections.data} columns={columns} rowKey={(c) => c.id} empty={t('connections.emptyTitle')} initialSort={{ key: 'name', dir: 'asc' }} caption={t('menu.mallApiSettings')} testId="connections-table" className="connections-table" />
      )}

      <ConfirmDialog
        open={deleting !== null}
        message={t('connections.confirmDelete', { name: deleting?.name ?? '' })}
        error={remove.error}
        confirmLabel={t('connections.delete')}
        busy={remove.isPending}
        onConfirm={() => deleting && remove.mutate(deleting)}
        onCancel={() => (setDeleting(null), remove.reset())}
      />
    </>
  );
}
