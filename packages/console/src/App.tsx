import { Loading } from './components/Loading';
import { I18nProvider } from './i18n';
import { Shell } from './layout/Shell';
import { LoginPage } from './pages/LoginPage';
import { SessionProvider, useSession } from './session';

function Gate() {
  const { state } = useSession();
  if (state.status === 'checking') return <Loading />;
  if (state.status === 'anonymous') return <LoginPage />;
  return <Shell />;
}

export function App() {
  return (
    <I18nProvider>
      <SessionProvider>
        <Gate />
      </SessionProvider>
    </I18nProvider>
  );
}
