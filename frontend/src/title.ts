import { useEffect } from 'react';

export const SITE_NAME = 'Hyperion';

/** Set the document title for the current page: "<page> · Hyperion". */
export function useTitle(title: string | null | undefined): void {
  useEffect(() => {
    document.title = title ? `${title} · ${SITE_NAME}` : `${SITE_NAME} — animated film analytics`;
  }, [title]);
}
