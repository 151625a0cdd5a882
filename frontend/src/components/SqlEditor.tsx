// The analytics page's SQL editor (CodeMirror, the site's largest dependency). A module of its own,
// loaded lazily by AnalyticsPage.tsx, so that the page's schema and its default query's first-paint rows
// draw while this chunk still downloads and compiles.
import { sql as sqlLanguage } from '@codemirror/lang-sql';
import { Prec } from '@codemirror/state';
import { EditorView, keymap } from '@codemirror/view';
import CodeMirror from '@uiw/react-codemirror';
import { useMemo } from 'react';
import { editorTheme } from './editorTheme';

export interface SqlEditorProps {
  value: string;
  theme: 'light' | 'dark';
  onChange: (text: string) => void;
  /** Ctrl/Cmd+Enter. */
  onSubmit: () => void;
}

export default function SqlEditor({ value, theme, onChange, onSubmit }: SqlEditorProps) {
  const extensions = useMemo(
    () => [
      sqlLanguage(),
      // Highest precedence: the default keymap binds Mod-Enter to "insert blank line".
      Prec.highest(keymap.of([{ key: 'Mod-Enter', run: () => (onSubmit(), true) }])),
      EditorView.contentAttributes.of({ 'aria-label': 'SQL query editor' }),
      editorTheme(theme),
    ],
    [onSubmit, theme],
  );
  return <CodeMirror value={value} height="180px" theme="none" extensions={extensions} onChange={onChange} aria-label="SQL query" basicSetup={{ lineNumbers: true, foldGutter: false }} />;
}
