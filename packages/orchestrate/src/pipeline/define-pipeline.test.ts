import { MlpError } from '@mlp/core';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import { definePipeline, isPipeline, type PipelineOutputs, type PipelineParams } from './define-pipeline.js';
import type { StepDefinition } from './pipeline-types.js';
import { topologicalOrder, validatePipelineGraph } from './validate-graph.js';

const params = z.object({ day: z.string(), limit: z.coerce.number().int().default(10) });

const example = definePipeline('example', { params })
  .step('load', {}, async (ctx) => {
    expectTypeOf(ctx.params).toEqualTypeOf<{ day: string; limit: number }>();
    return [1, 2, 3].slice(0, ctx.params.limit);
  })
  .step('label', {}, () => 'rows')
  .step('sum', { needs: ['load', 'label'] }, (_ctx, inputs) => {
    expectTypeOf(inputs).toEqualTypeOf<{ load: number[]; label: string }>();
    return { total: inputs.load.reduce((a, b) => a + b, 0), label: inputs.label };
  })
  .map('square', { over: 'load', concurrency: 2, needs: ['label'] }, (ctx, item, inputs) => {
    expectTypeOf(item).toEqualTypeOf<number>();
    expectTypeOf(inputs).toEqualTypeOf<{ label: string }>();
    expectTypeOf(ctx.mapIndex).toEqualTypeOf<number | undefined>();
    return `${inputs.label}:${item * item}`;
  })
  .step('report', { needs: ['sum', 'square'], triggerRule: 'all_done' }, (_ctx, inputs) => {
    expectTypeOf(inputs).toEqualTypeOf<{ sum: { total: number; label: string } | undefined; square: string[] | undefined }>();
    return inputs.sum?.total ?? 0;
  });

describe('definePipeline', () => {
  it('infers every step output and the params from the builder', () => {
    expectTypeOf<PipelineOutputs<typeof example>>().toEqualTypeOf<{
      load: number[];
      label: string;
      sum: { total: number; label: string };
      square: string[];
      report: number;
    }>();
    expectTypeOf<PipelineParams<typeof example>>().toEqualTypeOf<{ day: string; limit: number }>();
  });

  it('rejects, at the type level, needs on unknown steps, map over a non-list and a reused name', () => {
    const base = definePipeline('types').step('one', {}, () => 1);
    // @ts-expect-error 'two' is not a step yet
    expect(() => base.step('x', { needs: ['two'] }, () => 0)).not.toThrow();
    // @ts-expect-error 'one' outputs a number, not a list
    expect(() => base.map('y', { over: 'one' }, () => 0)).not.toThrow();
    // @ts-expect-error 'one' is taken
    expect(() => base.step('one', {}, () => 0)).toThrow(MlpError);
  });

  it('records each step with its defaults and its source', () => {
    const steps = example.steps;
    expect(steps.map((s) => s.name)).toEqual(['load', 'label', 'sum', 'square', 'report']);
    const square = steps[3]!;
    expect(square).toMatchObject({ kind: 'map', over: 'load', needs: ['load', 'label'], concurrency: 2, triggerRule: 'all_success' });
    expect(square.source).toContain('inputs.label');
    expect(steps[4]!.triggerRule).toBe('all_done');
    expect(steps[0]!).toMatchObject({ retries: 0, process: 'in-process', cacheTtlMs: undefined });
    expect(isPipeline(example)).toBe(true);
    expect(isPipeline({ name: 'x' })).toBe(false);
    example.validate();
  });

  it('parses params with the schema and names each failing field', () => {
    expect(example.parseParams({ day: '2026-12-01', limit: '2' })).toEqual({ day: '2026-12-01', limit: 2 });
    expect(() => example.parseParams({ limit: 'many' })).toThrow(/params of pipeline 'example' are not valid: day: .*; limit: /);
  });

  it('refuses bad step options with clear MlpErrors before anything runs', () => {
    const base = definePipeline('bad').step('a', {}, () => 1);
    const attempts: Array<[() => unknown, RegExp]> = [
      // @ts-expect-error 'a' is taken
      [() => base.step('a', {}, () => 2), /two steps named 'a'/],
      [() => base.step('b', { retries: -1 }, () => 2), /retries must be a whole number/],
      [() => base.step('b', { timeoutMs: 0 }, () => 2), /timeoutMs must be a whole number ≥ 1/],
      [() => base.step('b', { triggerRule: 'sometimes' as 'always' }, () => 2), /unknown trigger rule 'sometimes'/],
      [() => base.step('b', { cache: { ttlMs: -5 } }, () => 2), /cache.ttlMs must be a positive/],
      [() => base.step('has space', {}, () => 2), /name "has space" is not valid/],
      [() => definePipeline('../escape'), /pipeline name "..\/escape" is not valid/],
    ];
    for (const [attempt, message] of attempts) {
      expect(attempt).toThrow(MlpError);
      expect(attempt).toThrow(message);
    }
  });
});

function stepNamed(name: string, needs: string[]): StepDefinition {
  return { ...definePipeline('graph').step(name, {}, () => 0).steps[0]!, needs };
}

describe('validatePipelineGraph', () => {
  it('names the cycle a plain JavaScript module can make', () => {
    const steps = [stepNamed('a', ['c']), stepNamed('b', ['a']), stepNamed('c', ['b']), stepNamed('d', [])];
    expect(() => validatePipelineGraph('loop', steps)).toThrow(/pipeline 'loop' has a cycle: (a → c → b → a|a → b → c → a)/);
  });

  it('names an unknown need and an empty pipeline', () => {
    expect(() => validatePipelineGraph('p', [stepNamed('a', ['ghost'])])).toThrow(
      /step 'a' of pipeline 'p' needs 'ghost', which is not a step/,
    );
    expect(() => validatePipelineGraph('p', [])).toThrow(/has no steps/);
  });

  it('orders steps after what they need', () => {
    const order = topologicalOrder([stepNamed('c', ['b']), stepNamed('b', ['a']), stepNamed('a', [])]).map((s) => s.name);
    expect(order).toEqual(['a', 'b', 'c']);
  });
});
