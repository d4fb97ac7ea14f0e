import { useTranslation } from 'react-i18next';
import { formatDateTime, formatNumber } from '../format.ts';
import { currentLocale } from '../i18n.ts';
import { CopyField } from '../ui/copy-field.tsx';
import type { ConnectionTest } from './types.ts';

/**
 * The outcome of a connection test, for a person: green or red, what it means (the hub's message is
 * already in the user's language and says what to do), then the facts that help to act on it.
 */
export function TestResult({ test, name }: { test: ConnectionTest; name?: string }) {
  const { t } = useTranslation();
  const locale = currentLocale();
  const title = t(`connections.resultTitle.${test.result}`);
  return (
    <section className={`test-result ${test.ok ? 'test-ok' : 'test-fail'}`} role={test.ok ? 'status' : 'alert'} data-testid="test-result" data-result={test.result} aria-label={title}>
      <p className="test-result-title">
        <span className="test-result-icon" aria-hidden="true">
          {test.ok ? '✓' : '✕'}
        </span>
        <strong>{title}</strong>
        {name && <span className="test-result-name">{name}</span>}
      </p>
      <p className="test-result-message">{test.message}</p>
      <dl className="facts">
        {test.result === 'OK' && (
          <>
            <dt>{t('connections.roundTrip')}</dt>
            <dd data-testid="round-trip">{formatNumber(test.roundTripMs, locale)} ms</dd>
          </>
        )}
        {test.result === 'IP_NOT_ALLOWED' && (
          <>
            <dt>{t('connections.callerIp')}</dt>
            <dd>
              <code data-testid="caller-ip">{test.callerIp ?? '?'}</code>
            </dd>
            <dt>{t('connections.egressIps')}</dt>
            <dd>
              {test.egressIps?.length ? (
                <CopyField
                  value={test.egressIps.join(';')}
                  label={t('connections.egressIps')}
                  copyLabel={t('connections.guide.copy')}
                  copiedLabel={t('connections.guide.copied')}
                  failedText={t('connections.guide.copyFailed')}
                  testId="result-egress-ips"
                />
              ) : (
                <span className="warning-text">{t('connections.guide.noIps')}</span>
              )}
            </dd>
          </>
        )}
        {test.result === 'NETWORK_ERROR' && (
          <>
            <dt>{t('connections.networkKind')}</dt>
            <dd data-testid="network-kind">{t(`connections.networkKinds.${test.network ?? 'OTHER'}`)}</dd>
          </>
        )}
        {test.excerpt && (
          <>
            <dt>{t('connections.excerpt')}</dt>
            <dd>
              <code className="excerpt">{test.excerpt}</code>
            </dd>
          </>
        )}
        {test.mallCode && (
          <>
            <dt>{t('connections.mallCode')}</dt>
            <dd>
              <code>{test.mallCode}</code>
              {test.mallMessage && test.mallMessage !== test.excerpt && <span className="muted"> {test.mallMessage}</span>}
            </dd>
          </>
        )}
        <dt>{t('connections.testedAt')}</dt>
        <dd>{formatDateTime(test.testedAt, locale)}</dd>
      </dl>
    </section>
  );
}
