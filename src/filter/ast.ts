/** The parsed form of a display filter. Built only by parseFilter, which has checked every field and type. */
import type { FieldDef } from './field-types.js';

export type CompareOp = '==' | '!=' | '<' | '<=' | '>' | '>=' | '~' | 'contains';

export interface FieldRef {
  /** As written, for messages. */
  name: string;
  def: FieldDef;
  /** The header or setting name of a parametric field, else "". */
  arg: string;
  column: number;
}

export type Literal =
  | { kind: 'number'; value: number }
  | { kind: 'string'; value: string }
  | { kind: 'boolean'; value: boolean }
  | { kind: 'regex'; regex: RegExp };

export type FilterExpr =
  | { kind: 'or'; left: FilterExpr; right: FilterExpr }
  | { kind: 'and'; left: FilterExpr; right: FilterExpr }
  | { kind: 'not'; operand: FilterExpr }
  /** A bare field: true when the record has it (a boolean field: when it is true). */
  | { kind: 'present'; field: FieldRef }
  | { kind: 'compare'; field: FieldRef; op: CompareOp; value: Literal };
