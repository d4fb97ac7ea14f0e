import { useEffect, useState } from 'react';
import { Link } from 'react-router';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../api.ts';
import { useErrorText } from '../errors.ts';
import { formatDateTime } from '../format.ts';
import { currentLocale } from '../i18n.ts';
import { Button } from '../ui/form.tsx';
import type { Connection } from '../connections/types.ts';
import { runFinished, runPath, type ImportRun } from './types.ts';

/** Everything that shows imported data: refreshed when a run ends or a line changes. */
export function invalidateOrderData(client: ReturnType<typeof useQueryClient>) {
  for (const key of ['order-lines', 'order-counts', 'order', 'import-runs', 'import-run', 'connections', 'dashboard']) void client.invalidateQueries({ queryKey: [key] });
}

/** Follows one run until it ends, then says what it did and refreshes the lists. */
function RunProgress({ connection, runId }: { connection: Connection; runId: string }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const run = useQuery({
    queryKey: ['import-run', runId],
    queryFn: () => api.get<ImportRun>(`/api/import-runs/${encodeURIComponent(runId)}`),
    refetchInterval: (q) => (q.state.data && runFinished(q.state.data) ? false : 700),
  });
  const done = run.data ? runFinished(run.data) : false;
  useEffect(() => {
    if (done) invalidateOrderData(client);
  }, [done, client]);
  const r = run.data;
  const name = connection.name;
  let text: string;
  let kind = 'info';
  if (!r) text = t('orders.importQueued', { name });
  else if (r.status === 'queued') text = t('orders.importQueued', { name });
  else if (r.status === 'running') text = t('orders.importRunning', { name });
  else if (r.status === 'failed') {
    text = t('orders.importFailed', { name, error: r.error ?? '' });
    kind = 'error';
  } else {
    text = t('orders.importDone', { name, ...r.counts });
    kind = 'ok';
  }
  return (
    <div className={`alert alert-${kind} import-progress`} role="status" data-testid="import-progress" data-status={r?.status ?? 'queued'} data-connection={connection.id}>
      {text}{' '}
      <Link to={runPath(runId)} className="small">
        {t('orders.viewRun')}
      </Link>
    </div>
  );
}

/**
 * One row per shop: its last import and [Import now]. The run happens in a job; the row follows it
 * and says what came in (or why it failed), with a link to the run's log.
 */
export function ImportNowBar({ connections, only }: { connections: Connection[]; only?: string }) {
  const { t } = useTranslation();
  const errorText = useErrorText();
  const locale = currentLocale();
  const [runs, setRuns] = useState<Record<string, string>>({});
  const start = useMutation({
    mutationFn: (c: Connection) => api.post<{ runId: string }>(`/api/connections/${encodeURIComponent(c.id)}/import`),
    onSuccess: (r, c) => setRuns((m) => ({ ...m, [c.id]: r.runId })),
  });
  const shown = connections.filter((c) => !only || c.id === only);
  return (
    <div className="import-bar" data-testid="import-bar">
      {shown.map((c) => {
        const at = c.lastImport?.finishedAt;
        const busy = start.isPending && start.variables?.id === c.id;
        return (
          <div key={c.id} className="import-row" data-testid="import-row" data-connection={c.id}>
            <span className="import-name">{c.name}</span>
            {!c.enabled && <span className="badge badge-off">{t('connections.disabled')}</span>}
            <span className="muted small">{at ? t('orders.lastImport', { at: formatDateTime(at, locale) }) : t('orders.neverImported')}</span>
            <Button className="btn-small" type="button" busy={busy} disabled={!c.enabled} onClick={() => start.mutate(c)} data-testid="import-now">
              ⟳ {busy ? t('orders.importing') : t('orders.importNow')}
            </Button>
            {runs[c.id] && <RunProgress key={runs[c.id]} connection={c} runId={runs[c.id]!} />}
          </div>
        );
      })}
      {start.error && (
        <div className="alert alert-error" role="alert">
          {errorText(start.error)}
        </div>
      )}
    </div>
  );
}
