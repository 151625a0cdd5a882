import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router';
import { App } from './App';
import { getEngine, holdEngineUntil } from './db/engine';
import { firstPaintRoute } from './db/firstPaintRoutes';
import { afterPaint } from './db/progress';
import { loadFirstPaint } from './db/siteData';
import './styles.css';

performance.mark('app-start');
/** The longest DuckDB's start waits for the first paint (a hidden tab, a stalled first-paint file). */
const FIRST_PAINT_HOLD_MS = 1500;

// The route's small first-paint file goes first: the page draws from it, then DuckDB starts (its wasm
// compile and the database download would take the CPU the first render needs; measured in
// docs/benchmarks.md).
const route = firstPaintRoute(location.pathname);
if (route) holdEngineUntil(afterPaint(loadFirstPaint(route), FIRST_PAINT_HOLD_MS));
getEngine().catch(() => undefined);

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    {/* Without transitions a filter change renders at once instead of in 5 ms slices over several frames. */}
    <BrowserRouter useTransitions={false}>
      <App />
    </BrowserRouter>
  </StrictMode>,
);
