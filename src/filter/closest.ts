/** The candidate nearest to a misspelt word (optimal string alignment distance), for "did you mean". */
export function closest(word: string, candidates: Iterable<string>): string | null {
  let best: string | null = null;
  let bestDistance = Infinity;
  const target = word.toLowerCase();
  const list = [...candidates];
  // An abbreviation ("warn", "--sum") means the word it starts.
  const prefixed = list.filter((c) => target.length >= 3 && c.toLowerCase().startsWith(target));
  if (prefixed.length === 1) return prefixed[0]!;
  for (const c of list) {
    const d = editDistance(target, c.toLowerCase());
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  // A suggestion must be plausibly the same word: at most a third of it changed (and at least 1 edit).
  return best !== null && bestDistance <= Math.max(2, Math.floor(target.length / 3)) ? best : null;
}

/** Levenshtein distance where swapping two adjacent characters counts as one edit. */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[] = new Array<number>(rows * cols).fill(0);
  const at = (i: number, j: number): number => d[i * cols + j]!;
  for (let i = 0; i < rows; i++) d[i * cols] = i;
  for (let j = 0; j < cols; j++) d[j] = j;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        v = Math.min(v, at(i - 2, j - 2) + 1);
      d[i * cols + j] = v;
    }
  }
  return at(a.length, b.length);
}
