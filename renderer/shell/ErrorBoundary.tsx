import { Component, type ErrorInfo, type ReactNode } from 'react';
import { makeI18n } from '../i18n/i18n.tsx';

// The last line of defence of the renderer: a render error anywhere below would otherwise blank the till.
// Main owns the sale (journalled on disk), so reloading the screen loses nothing; the boundary says so and
// offers exactly that. It sits above the i18n provider, so it picks its language from the page itself.

interface State {
  error: Error | null;
}

export class ErrorBoundary extends Component<{ children: ReactNode }, State> {
  override state: State = { error: null };

  static getDerivedStateFromError(error: unknown): State {
    return { error: error instanceof Error ? error : new Error(String(error)) };
  }

  override componentDidCatch(error: Error, info: ErrorInfo): void {
    // The browser console is where Electron's renderer log and the preview's devtools collect it.
    console.error('renderer crashed', error, info.componentStack);
  }

  override render(): ReactNode {
    const { error } = this.state;
    if (!error) return this.props.children;
    const { t } = makeI18n(document.documentElement.lang === 'en' ? 'en' : 'es');
    return (
      <main className="content">
        <section className="panel crash" role="alert" aria-labelledby="crash-heading" data-testid="crash-screen">
          <h1 id="crash-heading">{t('app.crashTitle')}</h1>
          <p className="lead">{t('app.crashBody')}</p>
          <p className="field-hint">
            {t('app.crashDetail')} <code>{error.message}</code>
          </p>
          <div className="actions">
            <button
              type="button"
              className="button primary"
              autoFocus
              onClick={() => window.location.reload()}
              data-testid="crash-reload"
            >
              {t('app.crashReload')}
            </button>
          </div>
        </section>
      </main>
    );
  }
}
