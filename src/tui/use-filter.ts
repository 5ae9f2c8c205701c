import { useMemo } from 'react';
import { compileFilter, type RowFilter } from './filter-match.js';

export function useFilter(text: string): RowFilter {
  return useMemo(() => compileFilter(text), [text]);
}
