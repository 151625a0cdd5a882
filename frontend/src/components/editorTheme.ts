// Syntax colours of the SQL editor for each theme, chosen for at least 4.5:1 contrast on the editor's
// background and active line (axe checks both themes); the default palettes fall short in dark mode.
import { HighlightStyle, syntaxHighlighting } from '@codemirror/language';
import { EditorView } from '@codemirror/view';
import { tags } from '@lezer/highlight';

const palettes = {
  light: { keyword: '#7b1fa2', string: '#0b6b2b', number: '#8a4600', comment: '#585f6b', name: '#1b1d22', background: '#ffffff', gutter: '#585f6b', activeLine: '#eef2fb' },
  dark: { keyword: '#f2b6ff', string: '#a8e6a3', number: '#ffcf8a', comment: '#b4bbc7', name: '#e8eaef', background: '#1d2027', gutter: '#b4bbc7', activeLine: '#262a33' },
};

export function editorTheme(theme: 'light' | 'dark') {
  const colours = palettes[theme];
  return [
    EditorView.theme(
      {
        '&': { backgroundColor: colours.background, color: colours.name },
        '.cm-content': { caretColor: colours.name },
        '.cm-gutters': { backgroundColor: colours.background, color: colours.gutter, border: 'none' },
        '.cm-activeLine': { backgroundColor: colours.activeLine },
        '.cm-activeLineGutter': { backgroundColor: colours.activeLine, color: colours.name },
      },
      { dark: theme === 'dark' },
    ),
    syntaxHighlighting(
      HighlightStyle.define([
        { tag: [tags.keyword, tags.operatorKeyword, tags.modifier], color: colours.keyword, fontWeight: '600' },
        { tag: [tags.string, tags.special(tags.string)], color: colours.string },
        { tag: [tags.number, tags.bool, tags.null], color: colours.number },
        { tag: [tags.comment, tags.lineComment, tags.blockComment], color: colours.comment, fontStyle: 'italic' },
        { tag: [tags.name, tags.typeName, tags.propertyName, tags.operator, tags.punctuation, tags.bracket], color: colours.name },
      ]),
    ),
  ];
}
