import { useCallback } from 'react';
import { useSearchParams } from 'react-router';

/**
 * Filters live in the URL query string so that links can be shared and Back undoes a change.
 * Empty values are removed to keep URLs short. Typing in a search box replaces the history entry.
 */
export function useUrlState(): [URLSearchParams, (changes: Record<string, string | string[] | null>, replace?: boolean) => void] {
  const [params, setParams] = useSearchParams();
  const update = useCallback(
    (changes: Record<string, string | string[] | null>, replace = false) => {
      setParams(
        (previous) => {
          const next = new URLSearchParams(previous);
          for (const [key, value] of Object.entries(changes)) {
            next.delete(key);
            if (Array.isArray(value)) value.forEach((item) => next.append(key, item));
            else if (value) next.set(key, value);
          }
          return next;
        },
        { replace },
      );
    },
    [setParams],
  );
  return [params, update];
}
