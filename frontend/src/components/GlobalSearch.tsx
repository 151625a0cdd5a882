import { useEffect, useRef, useState } from 'react';
import { useNavigate } from 'react-router';
import { useQuery } from '../db/hooks';
import { globalSearchQuery, type SearchHit } from '../db/queries';

export function hitPath(hit: SearchHit): string {
  switch (hit.kind) {
    case 'film':
      return `/films/${hit.id}`;
    case 'character':
      return `/characters/${hit.id}`;
    case 'voice actor':
      return `/talent/${encodeURIComponent(hit.id)}`;
    default:
      return `/studios/${hit.id}`;
  }
}

/**
 * Search over films, characters, voice actors and studios, opened with Ctrl+K / Cmd+K or the header
 * button. A combobox: arrows move through the results, Enter opens one, Escape closes.
 */
export function GlobalSearch() {
  const dialogRef = useRef<HTMLDialogElement>(null);
  const inputRef = useRef<HTMLInputElement>(null);
  const [text, setText] = useState('');
  const [active, setActive] = useState(0);
  const navigate = useNavigate();
  const query = text.trim().length >= 2 ? globalSearchQuery(text) : null;
  const results = useQuery(query);
  const hits = query ? results.rows : [];

  const open = () => {
    dialogRef.current?.showModal();
    inputRef.current?.select();
  };
  const close = () => dialogRef.current?.close();
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === 'k') {
        event.preventDefault();
        if (dialogRef.current?.open) close();
        else open();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
  useEffect(() => setActive(0), [text]);

  const choose = (hit: SearchHit | undefined) => {
    if (!hit) return;
    close();
    setText('');
    navigate(hitPath(hit));
  };

  return (
    <>
      <button type="button" className="button search-button" onClick={open} aria-keyshortcuts="Control+K Meta+K">
        <span aria-hidden="true">⌕</span> <span className="button-label">Search</span>
        <kbd className="search-kbd" aria-hidden="true">Ctrl K</kbd>
      </button>
      <dialog ref={dialogRef} className="search-dialog" aria-label="Search films, characters, voice actors and studios" onClick={(event) => event.target === dialogRef.current && close()}>
        <label htmlFor="global-search-input" className="visually-hidden">
          Search films, characters, voice actors and studios
        </label>
        <input
          id="global-search-input"
          ref={inputRef}
          type="search"
          role="combobox"
          aria-expanded={hits.length > 0}
          aria-controls="global-search-results"
          aria-activedescendant={hits.length ? `search-hit-${active}` : undefined}
          autoComplete="off"
          placeholder="Search films, characters, voice actors, studios…"
          value={text}
          onChange={(event) => setText(event.target.value)}
          onKeyDown={(event) => {
            if (event.key === 'ArrowDown') {
              event.preventDefault();
              setActive((index) => Math.min(index + 1, hits.length - 1));
            } else if (event.key === 'ArrowUp') {
              event.preventDefault();
              setActive((index) => Math.max(index - 1, 0));
            } else if (event.key === 'Escape') {
              // A search input clears itself on Escape and keeps the dialog open; close it instead.
              event.preventDefault();
              close();
            } else if (event.key === 'Enter') {
              event.preventDefault();
              choose(hits[active]);
            }
          }}
        />
        <ul id="global-search-results" role="listbox" aria-label="Results" className="search-results" data-testid="search-results">
          {hits.map((hit, index) => (
            <li
              key={`${hit.kind}-${hit.id}`}
              id={`search-hit-${index}`}
              role="option"
              aria-selected={index === active}
              data-kind={hit.kind}
              data-path={hitPath(hit)}
              onMouseEnter={() => setActive(index)}
              onClick={() => choose(hit)}
            >
              <span className="search-kind">{hit.kind}</span> <strong>{hit.label}</strong>
              {hit.detail && <span className="muted"> · {hit.detail}</span>}
            </li>
          ))}
        </ul>
        <p className="muted search-status" aria-live="polite">
          {!query ? 'Type two or more letters.' : results.status === 'error' ? results.error : results.status === 'loading' ? 'Searching…' : hits.length === 0 ? 'No match.' : `${hits.length} results`}
        </p>
      </dialog>
    </>
  );
}
