import type { ReactNode } from 'react';
import { Link } from 'react-router';

export function Skeleton({ height = 220, label = 'Loading' }: { height?: number; label?: string }) {
  return (
    <div className="skeleton" style={{ height }} role="status" aria-live="polite">
      <span className="visually-hidden">{label}…</span>
    </div>
  );
}

export function ErrorState({ message, title = 'Could not load this data' }: { message: string; title?: string }) {
  return (
    <div className="state state-error" role="alert">
      <strong>{title}</strong>
      <p>{message}</p>
    </div>
  );
}

export function EmptyState({ children }: { children: ReactNode }) {
  return (
    <div className="state state-empty" role="status">
      {children}
    </div>
  );
}

/** An entity page before its data: the page's frame at once, skeletons where the facts will be. */
export function EntitySkeleton({ back, backLabel, label }: { back: string; backLabel: string; label: string }) {
  return (
    <>
      <p>
        <Link to={back}>← {backLabel}</Link>
      </p>
      <h1 className="skeleton-title">
        <span className="visually-hidden">Loading {label}</span>
      </h1>
      <Skeleton height={140} label={`Loading ${label} facts`} />
      <Skeleton height={320} label={`Loading ${label} tables and charts`} />
    </>
  );
}
