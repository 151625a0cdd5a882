import { useSyncExternalStore } from 'react';

/** The current theme ("light" or "dark"), following the data-theme attribute the toggle sets. */
function currentTheme(): string {
  return document.documentElement.dataset.theme === 'dark' ? 'dark' : 'light';
}

function subscribe(listener: () => void): () => void {
  const observer = new MutationObserver(listener);
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] });
  return () => observer.disconnect();
}

export function useTheme(): string {
  return useSyncExternalStore(subscribe, currentTheme, () => 'light');
}

/** Gridline, axis, tick and tooltip colours for Recharts in the current theme (contrast-checked by axe). */
export function useChartTheme() {
  const dark = useTheme() === 'dark';
  return {
    grid: dark ? '#3a3f4c' : '#d9dce3',
    axis: dark ? '#8a91a0' : '#6b7280',
    tick: { fill: dark ? '#c9ceda' : '#3f4550', fontSize: 11 },
    tooltip: dark ? { background: '#1d2027', borderColor: '#343845', color: '#e8eaef' } : { background: '#ffffff', borderColor: '#d9dce3', color: '#1b1d22' },
  };
}
