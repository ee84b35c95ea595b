import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ValidationEngine } from '../engine/engine.js';
import type { ExpectationResult, ValidationResult } from '../result/validation-result.js';
import { parseExpectation, type Suite } from '../suite/suite.js';
import { contractCases } from './contract-cases.js';
import { type ContractTable, contractTable, emptyContractTable } from './contract-data.js';

export interface EngineContractHarness {
  /** An engine over `table` (a fresh one per call; `name` is unique and usable as a table or file name). */
  engine(table: ContractTable, name: string): Promise<ValidationEngine>;
  cleanup?(): Promise<void>;
}

function suiteOf(table: 'main' | 'empty'): Suite {
  return {
    name: `contract-${table}`,
    expectations: contractCases
      .filter((entry) => (entry.table ?? 'main') === table)
      .map((entry) => parseExpectation({ type: entry.type, args: entry.args })),
  };
}

/**
 * What every validation engine must compute, on one table with nulls, NaN, unicode and edge values and
 * on an empty one. Every case runs inside one suite per table, so an engine that batches expectations
 * must still keep one expectation's error to itself.
 */
export function runEngineContract(name: string, createHarness: () => Promise<EngineContractHarness>): void {
  describe(`validation engine contract: ${name}`, () => {
    let harness: EngineContractHarness;
    const results: Record<'main' | 'empty', ValidationResult | undefined> = { main: undefined, empty: undefined };

    beforeAll(async () => {
      harness = await createHarness();
      results.main = await (await harness.engine(contractTable, 'contract_main')).validate(suiteOf('main'));
      results.empty = await (await harness.engine(emptyContractTable, 'contract_empty')).validate(suiteOf('empty'));
    });
    afterAll(async () => {
      await harness?.cleanup?.();
    });

    const positions = { main: 0, empty: 0 };
    for (const entry of contractCases) {
      const table = entry.table ?? 'main';
      const position = positions[table]++;
      it(`${entry.type}: ${entry.name}`, () => {
        const result = results[table]!.results[position] as ExpectationResult;
        expect(result.type).toBe(entry.type);
        const { observedValue, ...rest } = entry.expect;
        expect(result).toMatchObject(rest);
        if ('observedValue' in entry.expect) expect(result.observedValue).toEqual(observedValue);
        if (entry.close?.observedValue !== undefined) expect(result.observedValue as number).toBeCloseTo(entry.close.observedValue, 9);
        if (entry.exception) expect(result.exception?.message).toBeTruthy();
        else expect(result.exception).toBeUndefined();
        if (entry.messageIncludes) expect(result.message).toContain(entry.messageIncludes);
        if (result.unexpectedCount !== undefined && !result.success && result.unexpectedCount > 0) {
          expect(result.partialUnexpectedIndexList?.length).toBe(Math.min(20, result.unexpectedCount));
        }
      });
    }

    it('summarizes the suite: statistics add up, and failed error-severity expectations fail it', () => {
      const main = results.main!;
      expect(main.rowCount).toBe(8);
      expect(main.statistics.evaluated).toBe(main.results.length);
      expect(main.statistics.successful + main.statistics.unsuccessful).toBe(main.statistics.evaluated);
      expect(main.statistics.successful).toBe(main.results.filter((result) => result.success).length);
      expect(main.success).toBe(false);
      expect(results.empty!.rowCount).toBe(0);
    });

    it('passes a suite whose failures are all warnings', async () => {
      const engine = await harness.engine(contractTable, 'contract_warn');
      const suite: Suite = {
        name: 'warnings',
        expectations: [
          parseExpectation({ type: 'expectColumnValuesToNotBeNull', args: { column: 'n' }, severity: 'warn' }),
          parseExpectation({ type: 'expectColumnValuesToBeInSet', args: { column: 'b', valueSet: [true, false] } }),
        ],
      };
      const result = await engine.validate(suite);
      expect(result.success).toBe(true);
      expect(result.statistics).toEqual({ evaluated: 2, successful: 1, unsuccessful: 1, successPercent: 50 });
    });

    it('caps unexpected samples at 20 values and 20 row indexes', async () => {
      const many: ContractTable = { v: { kind: 'number', values: Array.from({ length: 100 }, (_, i) => i % 30) } };
      const engine = await harness.engine(many, 'contract_many');
      const result = await engine.validate({
        name: 'many',
        expectations: [parseExpectation({ type: 'expectColumnValuesToBeBetween', args: { column: 'v', maxValue: 4 } })],
      });
      const only = result.results[0]!;
      expect(only.unexpectedCount).toBe(100 - 20);
      expect(only.partialUnexpectedIndexList).toEqual(
        [5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 35, 36, 37, 38, 39].slice(0, 20),
      );
      expect(only.partialUnexpectedCounts).toHaveLength(20);
      // 5..9 occur 4 times in 0..99 (i % 30), the rest 3 times; ties in value order.
      expect(only.partialUnexpectedCounts?.slice(0, 6)).toEqual([
        { value: 5, count: 4 },
        { value: 6, count: 4 },
        { value: 7, count: 4 },
        { value: 8, count: 4 },
        { value: 9, count: 4 },
        { value: 10, count: 3 },
      ]);
    });
  });
}
