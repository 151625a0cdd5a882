import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router';
import { App } from './App';
import { getEngine } from './db/engine';
import { firstPaintRoute } from './db/firstPaintRoutes';
import { loadFirstPaint } from './db/siteData';
import './styles.css';

performance.mark('app-start');
// The route's small first-paint file goes first: the page draws from it while DuckDB starts.
const route = firstPaintRoute(location.pathname);
if (route) loadFirstPaint(route);
// Start DuckDB right away: the wasm compile and the data download overlap with React's first render.
getEngine().catch(() => undefined);

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    {/* Without transitions a filter change renders at once instead of in 5 ms slices over several frames. */}
    <BrowserRouter useTransitions={false}>
      <App />
    </BrowserRouter>
  </StrictMode>,
);
