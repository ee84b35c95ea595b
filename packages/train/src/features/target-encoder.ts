import { MlpError } from '@mlp/core';
import type { Cell, Table } from '../data/table.js';
import type { TargetSpec, Task } from '../spec/train-spec.js';
import { isMissing } from './feature-encoder.js';

export type ClassValue = string | number | boolean;

/** The fitted target, saved in the model package. */
export interface TargetState {
  name: string;
  /** The table column the target is read from (the computed column `name` for an expression target). */
  column: string;
  task: Task;
  /** Classification: the classes in index order, sorted; for binary, [negative, positive]. */
  classes?: ClassValue[];
  positiveClass?: ClassValue;
}

export interface TargetEncoder {
  readonly state: TargetState;
  /** Binary: 1 for the positive class, else 0; multi-class: the class index; regression: the value. */
  encode(table: Table, rows: Int32Array): Float32Array;
  /** The class of an index (binary: 0 negative, 1 positive). */
  decode(index: number): ClassValue;
}

export const MAX_CLASSES = 1000;

type Kind = 'boolean' | 'number' | 'text';

function kindOfClasses(classes: readonly ClassValue[]): Kind {
  const first = classes[0];
  return typeof first === 'boolean' ? 'boolean' : typeof first === 'number' ? 'number' : 'text';
}

/** The class a cell stands for: booleans and numbers keep their type when the whole column has it, else text. */
function classOf(cell: Exclude<Cell, null>, kind: Kind): ClassValue | undefined {
  if (kind === 'boolean') return typeof cell === 'boolean' ? cell : undefined;
  if (kind === 'number') return typeof cell === 'number' ? cell : undefined;
  return cell instanceof Date ? cell.toISOString() : String(cell);
}

function compareClasses(a: ClassValue, b: ClassValue): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  const [x, y] = [String(a), String(b)];
  return x < y ? -1 : x > y ? 1 : 0;
}

function targetCells(table: Table, column: string, name: string): readonly Cell[] {
  const cells = table.columns.get(column);
  if (cells) return cells;
  throw new MlpError(
    'INVALID_ARGUMENT',
    `The target column ${JSON.stringify(column)}${column === name ? '' : ` (target ${JSON.stringify(name)})`} is not in the data; its columns are ${[...table.columns.keys()].join(', ') || '(none)'}.`,
    { details: { column, columns: [...table.columns.keys()] } },
  );
}

/** The training cells, refusing missing values: a row without a label cannot be learnt from. */
function presentCells(cells: readonly Cell[], rows: Int32Array, name: string): Exclude<Cell, null>[] {
  const present: Exclude<Cell, null>[] = [];
  let firstMissing = -1;
  for (const row of rows) {
    const cell = cells[row] ?? null;
    if (cell === null || isMissing(cell)) {
      if (firstMissing < 0) firstMissing = row;
    } else present.push(cell);
  }
  const missing = rows.length - present.length;
  if (missing > 0) {
    throw new MlpError(
      'INVALID_ARGUMENT',
      `The target ${JSON.stringify(name)} is missing in ${missing} of ${rows.length} rows (first: row ${firstMissing}). Drop those rows or fill the target in.`,
      { details: { target: name, missing, firstRow: firstMissing } },
    );
  }
  return present;
}

function inferTask(kind: Kind, distinct: number): Task {
  if (kind === 'boolean' || distinct === 2) return 'binary';
  return kind === 'text' ? 'multiclass' : 'regression';
}

function constant(name: string, value: ClassValue | undefined): MlpError {
  return new MlpError(
    'FAILED_PRECONDITION',
    `The target ${JSON.stringify(name)} has a single value (${JSON.stringify(value)}) in the training rows: there is nothing to learn. Check the target or read more, more varied rows.`,
    { details: { target: name } },
  );
}

/** The positive class among two: the one given, else the larger (`true`, the higher number, the later text). */
function orderBinary(classes: ClassValue[], kind: Kind, positiveClass: ClassValue | undefined, name: string): ClassValue[] {
  if (positiveClass === undefined) return classes;
  const wanted =
    kind === 'text'
      ? String(positiveClass)
      : kind === 'number'
        ? Number(positiveClass)
        : positiveClass === true || positiveClass === 'true';
  const positive = classes.find((value) => value === wanted);
  if (positive === undefined) {
    throw new MlpError(
      'INVALID_ARGUMENT',
      `positiveClass ${JSON.stringify(positiveClass)} is not a value of the target ${JSON.stringify(name)}; its values are ${classes.map((value) => JSON.stringify(value)).join(' and ')}.`,
    );
  }
  return [...classes.filter((value) => value !== positive), positive];
}

/**
 * Fits the target on the training rows: infers the task when not given (booleans or exactly two values
 * → binary; text with more → multi-class; numbers with more → regression) and collects the classes.
 */
export function fitTarget(
  table: Table,
  target: TargetSpec,
  options: { task?: Task; positiveClass?: ClassValue; rows: Int32Array },
): TargetEncoder {
  const column = target.expression ? target.name : (target.column ?? target.name);
  const name = target.name;
  const present = presentCells(targetCells(table, column, name), options.rows, name);
  if (present.length === 0)
    throw new MlpError('FAILED_PRECONDITION', `The target ${JSON.stringify(name)} has no training rows: read more data.`);
  const kind: Kind = present.every((cell) => typeof cell === 'boolean')
    ? 'boolean'
    : present.every((cell) => typeof cell === 'number')
      ? 'number'
      : 'text';
  const classSet = new Set<ClassValue>();
  for (const cell of present) {
    classSet.add(classOf(cell, kind) as ClassValue);
    if (classSet.size > MAX_CLASSES && options.task !== 'regression' && kind !== 'number') break;
  }
  const task = options.task ?? inferTask(kind, classSet.size);
  if (options.positiveClass !== undefined && task !== 'binary') {
    throw new MlpError(
      'INVALID_ARGUMENT',
      `positiveClass applies to a binary task; the target ${JSON.stringify(name)} is ${task}. Remove positiveClass or set task: binary.`,
    );
  }
  if (task === 'regression') {
    if (kind === 'text') {
      const text = present.find((cell) => typeof cell !== 'number' && typeof cell !== 'boolean');
      throw new MlpError(
        'INVALID_ARGUMENT',
        `The target ${JSON.stringify(name)} holds text (${JSON.stringify(text)}), which a regression cannot predict. Make it numeric, or set task: multiclass.`,
      );
    }
    if (classSet.size < 2) throw constant(name, classSet.values().next().value);
    return restoreTarget({ name, column, task });
  }
  if (classSet.size < 2) throw constant(name, classSet.values().next().value);
  if (classSet.size > MAX_CLASSES) {
    throw new MlpError(
      'INVALID_ARGUMENT',
      `The target ${JSON.stringify(name)} has more than ${MAX_CLASSES} classes in the training rows: group them, or predict a number with task: regression.`,
    );
  }
  const sorted = [...classSet].sort(compareClasses);
  if (task === 'binary' && sorted.length !== 2) {
    throw new MlpError(
      'INVALID_ARGUMENT',
      `A binary task needs exactly two target values; ${JSON.stringify(name)} has ${sorted.length} (${sorted
        .slice(0, 5)
        .map((value) => JSON.stringify(value))
        .join(', ')}${sorted.length > 5 ? ', …' : ''}). Set task: multiclass, or use an expression such as "delay > 15".`,
    );
  }
  if (task === 'binary') {
    const classes = orderBinary(sorted, kind, options.positiveClass, name);
    return restoreTarget({ name, column, task, classes, positiveClass: classes[1] as ClassValue });
  }
  return restoreTarget({ name, column, task, classes: sorted });
}

/** Rebuilds a target encoder from its saved state. */
export function restoreTarget(state: TargetState): TargetEncoder {
  const classes = state.classes ?? [];
  if (state.task !== 'regression' && classes.length < 2) {
    throw new MlpError('INVALID_ARGUMENT', `A ${state.task} target state needs at least two classes, got ${classes.length}.`);
  }
  const kind = kindOfClasses(classes);
  const index = new Map<ClassValue, number>(classes.map((value, position) => [value, position]));

  function encode(table: Table, rows: Int32Array): Float32Array {
    const cells = targetCells(table, state.column, state.name);
    presentCells(cells, rows, state.name);
    const out = new Float32Array(rows.length);
    rows.forEach((row, i) => {
      const cell = cells[row] as Exclude<Cell, null>;
      if (state.task === 'regression') {
        const value = typeof cell === 'boolean' ? Number(cell) : cell;
        if (typeof value !== 'number' || !Number.isFinite(value)) {
          throw new MlpError(
            'INVALID_ARGUMENT',
            `The regression target ${JSON.stringify(state.name)} has ${JSON.stringify(cell)} at row ${row}, not a finite number. Fix or drop that row.`,
          );
        }
        out[i] = value;
        return;
      }
      const position = index.get(classOf(cell, kind) as ClassValue);
      if (position === undefined) {
        throw new MlpError(
          'INVALID_ARGUMENT',
          `The target ${JSON.stringify(state.name)} has ${JSON.stringify(cell)} at row ${row}, a value the training rows never had (classes: ${classes
            .slice(0, 10)
            .map((value) => JSON.stringify(value))
            .join(', ')}${classes.length > 10 ? ', …' : ''}). Drop those rows, or split so training sees every class.`,
          { details: { target: state.name, row } },
        );
      }
      out[i] = position;
    });
    return out;
  }

  return {
    state,
    encode,
    decode(position) {
      if (state.task === 'regression') throw new MlpError('FAILED_PRECONDITION', 'A regression target has no classes to decode.');
      const value = classes[position];
      if (value === undefined || !Number.isInteger(position))
        throw new MlpError('INVALID_ARGUMENT', `Class index ${position} is not one of 0–${classes.length - 1}.`);
      return value;
    },
  };
}
