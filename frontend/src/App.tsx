import { lazy, Suspense, useEffect, useState } from 'react';
import { NavLink, Route, Routes, useLocation } from 'react-router';
import { Skeleton } from './components/States';
import { useEngineState, useLoadProgress } from './db/hooks';
import { engineState } from './db/engine';
import { firstPaintRoute, isEntityRoute } from './db/firstPaintRoutes';
import { loadFirstPaint } from './db/siteData';
import { formatBytes } from './format';
import { useTitle } from './title';
import { OverviewPage } from './pages/OverviewPage';
import { FilmsPage } from './pages/FilmsPage';
import { FilmPage } from './pages/FilmPage';
import { CharactersPage } from './pages/CharactersPage';
import { CharacterPage } from './pages/CharacterPage';
import { StudiosPage } from './pages/StudiosPage';
import { TalentPage } from './pages/TalentPage';
import { TalentPersonPage } from './pages/TalentPersonPage';
import { StudioPage } from './pages/StudioPage';
import { MapPage } from './pages/MapPage';
import { GlobalSearch } from './components/GlobalSearch';

// The editor (CodeMirror) is the largest dependency: load it only on /analytics.
const AnalyticsPage = lazy(() => import('./pages/AnalyticsPage'));

const NAVIGATION = [
  { to: '/', label: 'Overview' },
  { to: '/studios', label: 'Studios' },
  { to: '/films', label: 'Films' },
  { to: '/characters', label: 'Characters' },
  { to: '/talent', label: 'Talent' },
  { to: '/analytics', label: 'Analytics' },
];

function ThemeToggle() {
  const [theme, setTheme] = useState(() => document.documentElement.dataset.theme ?? 'light');
  useEffect(() => {
    document.documentElement.dataset.theme = theme;
    localStorage.setItem('hyperion-theme', theme);
  }, [theme]);
  const next = theme === 'dark' ? 'light' : 'dark';
  return (
    <button type="button" className="button theme-toggle" onClick={() => setTheme(next)} aria-label={`Switch to ${next} theme`}>
      <span aria-hidden="true">{theme === 'dark' ? '☀' : '☾'}</span> <span className="button-label">{theme === 'dark' ? 'Light' : 'Dark'}</span>
    </button>
  );
}

function EngineStatus() {
  const state = useEngineState();
  if (state.status === 'failed') {
    return (
      <div className="engine-banner" role="alert" data-engine-status="failed">
        <strong>The in-browser database did not start.</strong> {state.message}. Reload the page to try again.
      </div>
    );
  }
  if (state.status === 'ready') {
    return (
      <span className="engine-status muted" data-engine-status="ready" aria-live="polite">
        DuckDB {state.engine.version} ready
      </span>
    );
  }
  return <StartupProgress />;
}

/** Bytes of DuckDB's wasm and of the database while they download: a slow link shows it is moving. */
function StartupProgress() {
  const progress = useLoadProgress();
  const loaded = progress.wasm.loaded + progress.database.loaded;
  const total = progress.wasm.total + progress.database.total;
  const label = total > 0 ? `Loading the in-browser database: ${formatBytes(loaded)} of ${formatBytes(total)}` : 'Starting DuckDB…';
  return (
    <span className="engine-status muted" data-engine-status="starting">
      <progress className="startup-progress" max={total || 1} value={total ? loaded : undefined} aria-label="Loading the in-browser database" data-loaded={loaded} data-total={total} />
      <span aria-live="polite" data-testid="startup-progress-text">
        {label}
      </span>
    </span>
  );
}

/** Fetch the first-paint file of each list or entity page visited before DuckDB is ready. */
function useRouteFirstPaint() {
  const { pathname } = useLocation();
  useEffect(() => {
    const route = firstPaintRoute(pathname);
    // Files per entity: once the engine answers, an entity page visited later needs none of them.
    if (isEntityRoute(route) && engineState().status === 'ready') return;
    if (route) loadFirstPaint(route);
  }, [pathname]);
}

export function App() {
  useRouteFirstPaint();
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="site-header">
        <div className="brand">
          <NavLink to="/">Hyperion</NavLink>
        </div>
        <nav aria-label="Main">
          <ul>
            {NAVIGATION.map((item) => (
              <li key={item.to}>
                <NavLink to={item.to} end={item.to === '/'}>
                  {item.label}
                </NavLink>
              </li>
            ))}
          </ul>
        </nav>
        <div className="header-tools">
          <GlobalSearch />
          <ThemeToggle />
        </div>
      </header>
      <div className="status-row">
        <EngineStatus />
      </div>
      <main id="main" tabIndex={-1}>
        <Suspense fallback={<Skeleton height={400} label="Loading page" />}>
          <Routes>
            <Route path="/" element={<OverviewPage />} />
            <Route path="/studios" element={<StudiosPage />} />
            <Route path="/films" element={<FilmsPage />} />
            <Route path="/films/:filmId" element={<FilmPage />} />
            <Route path="/characters" element={<CharactersPage />} />
            <Route path="/characters/:characterId" element={<CharacterPage />} />
            <Route path="/studios/:studioId" element={<StudioPage />} />
            <Route path="/talent" element={<TalentPage />} />
            <Route path="/talent/:talentName" element={<TalentPersonPage />} />
            <Route path="/analytics" element={<AnalyticsPage />} />
            <Route path="/map" element={<MapPage />} />
            <Route path="*" element={<NotFound />} />
          </Routes>
        </Suspense>
      </main>
      <footer className="site-footer muted">
        Every figure is computed in your browser by DuckDB-WASM from the exported data files in <a href="/data/manifest.json">/data</a>. Box-office
        days and states are synthetic, split from each film's reported domestic gross.
      </footer>
    </>
  );
}

function NotFound() {
  useTitle('Page not found');
  return (
    <section className="card">
      <h1>Page not found</h1>
      <p>
        Try the <NavLink to="/">overview</NavLink>.
      </p>
    </section>
  );
}
