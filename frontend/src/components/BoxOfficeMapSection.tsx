// The US box-office map's card. The map (d3-geo, topojson, the us-atlas shapes) is its own chunk, and it
// and its data file are fetched only when the card comes near the viewport, so a visit that never
// scrolls to the map downloads neither (docs/07-site.md, "The US box-office map").
import { lazy, Suspense, useEffect, useRef, useState } from 'react';
import { Skeleton } from './States';

const UsBoxOfficeMap = lazy(() => import('./UsBoxOfficeMap'));

export function BoxOfficeMapSection({ filmId, title, summary }: { filmId?: string; title: string; summary: string }) {
  const anchor = useRef<HTMLElement>(null);
  const [visible, setVisible] = useState(false);
  useEffect(() => {
    const element = anchor.current;
    if (!element || visible) return;
    const observer = new IntersectionObserver((entries) => {
      if (entries.some((entry) => entry.isIntersecting)) setVisible(true);
    }, { rootMargin: '200px' });
    observer.observe(element);
    return () => observer.disconnect();
  }, [visible]);
  return (
    <section ref={anchor} className="card chart-card" aria-labelledby="us-map-title" data-map-section={filmId ?? 'all'}>
      <h2 id="us-map-title">{title}</h2>
      <p className="muted">{summary}</p>
      {visible ? (
        <Suspense fallback={<Skeleton height={420} label="Loading the box-office map" />}>
          <UsBoxOfficeMap filmId={filmId} />
        </Suspense>
      ) : (
        // Not a loading skeleton: nothing is loading yet, and pages count as drawn without the map.
        <p className="us-map-placeholder muted">The map loads when it scrolls into view.</p>
      )}
    </section>
  );
}
