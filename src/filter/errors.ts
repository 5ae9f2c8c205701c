/** A filter syntax error at a 1-based column; parseFilter turns it into a value, it never escapes. */
export class FilterSyntaxError extends Error {
  constructor(
    readonly column: number,
    readonly detail: string,
  ) {
    super(`at column ${column}: ${detail}`);
  }
}
