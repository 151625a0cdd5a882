import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router';
import { App } from './App';
import { getEngine } from './db/engine';
import './styles.css';

performance.mark('app-start');
// Start DuckDB right away: the wasm compile and the data download overlap with React's first render.
getEngine().catch(() => undefined);

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <BrowserRouter>
      <App />
    </BrowserRouter>
  </StrictMode>,
);
