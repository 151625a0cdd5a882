import type { Option } from '../db/queries';

interface SelectProps {
  id: string;
  label: string;
  value: string;
  options: Option[];
  onChange: (value: string) => void;
  allLabel?: string;
}

export function Select({ id, label, value, options, onChange, allLabel = 'All' }: SelectProps) {
  return (
    <label className="field" htmlFor={id}>
      <span>{label}</span>
      <select id={id} value={value} onChange={(event) => onChange(event.target.value)}>
        <option value="">{allLabel}</option>
        {options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
    </label>
  );
}

/**
 * A long option list as a text box with suggestions (a datalist): type to narrow 230 species instead
 * of scrolling a dropdown. The filter applies when the text matches an option (or is cleared).
 */
export function SearchableSelect({ id, label, value, options, onChange }: SelectProps) {
  const listId = `${id}-options`;
  return (
    <label className="field" htmlFor={id}>
      <span>{label}</span>
      <input
        id={id}
        type="search"
        list={listId}
        defaultValue={value}
        key={value}
        placeholder={`All (${options.length}) — type to search`}
        onChange={(event) => {
          const text = event.target.value;
          const match = options.find((option) => option.label.toLowerCase() === text.toLowerCase() || option.value === text);
          if (match) onChange(match.value);
          else if (text === '') onChange('');
        }}
      />
      <datalist id={listId}>
        {options.map((option) => (
          <option key={option.value} value={option.label} />
        ))}
      </datalist>
    </label>
  );
}
