import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../api.ts';
import { CopyField } from '../ui/copy-field.tsx';
import { LoadError, Loading } from '../ui/page.tsx';
import type { EgressIps } from './types.ts';

export const useEgressIps = () => useQuery({ queryKey: ['egress-ips'], queryFn: () => api.get<EgressIps>('/api/connections/egress-ips'), staleTime: 5 * 60_000 });

/** Step 1 of the guide: issuing the key on 11st, with the hub's addresses ready to paste. */
export function GuidePanel({ open, onToggle }: { open: boolean; onToggle: (open: boolean) => void }) {
  const { t } = useTranslation();
  const egress = useEgressIps();
  return (
    <details className="panel guide-panel" open={open} onToggle={(e) => onToggle(e.currentTarget.open)} data-testid="guide-panel">
      <summary>
        <h2>{t('connections.guide.title')}</h2>
      </summary>
      <p className="muted">{t('connections.guide.intro')}</p>
      <ol className="guide-steps">
        <li>{t('connections.guide.step1')}</li>
        <li>{t('connections.guide.step2')}</li>
        <li>
          {t('connections.guide.step3')}
          <div className="guide-ips">
            {egress.isPending ? (
              <Loading />
            ) : egress.isError ? (
              <LoadError error={egress.error} retry={() => void egress.refetch()} />
            ) : egress.data.ips.length === 0 ? (
              <p className="alert alert-warn" data-testid="no-egress-ips">
                {t('connections.guide.noIps')}
              </p>
            ) : (
              <>
                <span className="guide-ips-label">{t('connections.guide.ipsLabel')}</span>
                <CopyField
                  value={egress.data.joined}
                  label={t('connections.guide.ipsLabel')}
                  copyLabel={t('connections.guide.copy')}
                  copiedLabel={t('connections.guide.copied')}
                  failedText={t('connections.guide.copyFailed')}
                  testId="egress-ips"
                />
              </>
            )}
          </div>
        </li>
        <li>{t('connections.guide.step4')}</li>
      </ol>
    </details>
  );
}
