import { useCallback, type MouseEvent, type ReactNode } from 'react';
import { useNavigate } from 'react-router';

/**
 * Plain `<a href>` links inside `children` navigate in the app, as react-router's `<Link>` would.
 * Long lists use plain anchors with this one delegated handler: a `<Link>` per row (1,758 on
 * /characters) cost more to render than the rest of the row (profiled in docs/07-site.md). Modified
 * clicks (new tab, download), other origins and `target` links keep the browser's behaviour; Enter
 * on a focused link is a click, so the keyboard path is the same.
 */
export function RouteLinks({ children }: { children: ReactNode }) {
  const navigate = useNavigate();
  const onClick = useCallback(
    (event: MouseEvent<HTMLDivElement>) => {
      if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.altKey || event.ctrlKey || event.shiftKey) return;
      const anchor = (event.target as Element).closest('a');
      if (!anchor || !event.currentTarget.contains(anchor) || anchor.target || anchor.hasAttribute('download') || anchor.origin !== window.location.origin) return;
      event.preventDefault();
      navigate(anchor.pathname + anchor.search + anchor.hash);
    },
    [navigate],
  );
  return (
    // eslint-disable-next-line jsx-a11y/click-events-have-key-events, jsx-a11y/no-static-element-interactions -- Enter on a link is a click
    <div className="route-links" onClick={onClick}>
      {children}
    </div>
  );
}
