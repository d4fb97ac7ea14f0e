import { useEffect } from 'react';
import { BrowserRouter, Navigate, Route, Routes, useLocation } from 'react-router';
import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { isApiError } from './api.ts';
import { applyLocale } from './i18n.ts';
import { menuPages, visibleMenu } from './menu.tsx';
import { signedOut, takeSignInReason, useMe, useSetupNeeded } from './session.ts';
import { SetupPage } from './accounts/setup-page.tsx';
import { SignInPage } from './accounts/sign-in-page.tsx';
import { Layout } from './ui/layout.tsx';
import { LoadError, Loading, PageHeader } from './ui/page.tsx';

/** A 401 on any call means the session ended (expired, revoked, signed out elsewhere): back to sign-in. */
function onUnauthenticated(err: unknown) {
  if (isApiError(err) && err.status === 401 && err.code !== 'INVALID_CREDENTIALS' && queryClient.getQueryData(['me'])) signedOut(queryClient, 'expired');
}

export const queryClient = new QueryClient({
  queryCache: new QueryCache({ onError: onUnauthenticated }),
  mutationCache: new MutationCache({ onError: onUnauthenticated }),
  defaultOptions: { queries: { retry: (n, err) => !(isApiError(err) && err.status >= 400 && err.status < 500) && n < 2, refetchOnWindowFocus: false } },
});

function NotFound() {
  const { t } = useTranslation();
  return (
    <>
      <PageHeader title="404" />
      <p className="alert alert-warn">{t('errors.notFound')}</p>
    </>
  );
}

/** Signed-in area: the layout with the pages this role may open; otherwise off to setup or sign-in. */
function SignedIn() {
  const me = useMe();
  const location = useLocation();
  const setup = useSetupNeeded(me.data === null);
  useEffect(() => {
    if (me.data?.locale) applyLocale(me.data.locale);
  }, [me.data?.id, me.data?.locale]);

  if (me.isPending) return <Loading />;
  if (me.isError) return <LoadError error={me.error} retry={() => void me.refetch()} />;
  if (!me.data) {
    if (setup.isPending) return <Loading />;
    if (setup.data?.needed) return <Navigate to="/setup" replace />;
    const why = takeSignInReason();
    const from = location.pathname === '/' || why === 'signedOut' ? undefined : location.pathname;
    return <Navigate to="/sign-in" replace state={{ from, signedOut: why === 'signedOut', expired: why === 'expired' }} />;
  }
  const pages = menuPages(visibleMenu(me.data.role));
  return (
    <Routes>
      <Route element={<Layout me={me.data} />}>
        {pages.map((p) => (
          <Route key={p.path} path={p.path} element={<p.page />} />
        ))}
        {/* A page the role may not open looks the same as one that does not exist. */}
        <Route path="*" element={<NotFound />} />
      </Route>
    </Routes>
  );
}

export function App() {
  return (
    <QueryClientProvider client={queryClient}>
      <BrowserRouter>
        <Routes>
          <Route path="/setup" element={<SetupPage />} />
          <Route path="/sign-in" element={<SignInPage />} />
          <Route path="/*" element={<SignedIn />} />
        </Routes>
      </BrowserRouter>
    </QueryClientProvider>
  );
}
