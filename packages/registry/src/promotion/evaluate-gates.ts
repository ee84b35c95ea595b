import { MlpError } from '@mlp/core';
import type { Run } from '@mlp/tracking';
import type { ModelVersion } from '../model.js';
import { compare, gateLabel, parseMetricExpression } from './gate-spec.js';
import { type GateOutcome, type GateSpec, type PromotionCheck, validationTag } from './gate-types.js';
import { signatureIncompatibility } from './signature.js';

export interface GateInputs {
  alias: string;
  candidate: ModelVersion;
  candidateRun: Run | undefined;
  current: ModelVersion | undefined;
  currentRun: Run | undefined;
  findCheck(name: string): PromotionCheck | undefined;
  signal?: AbortSignal;
}

const metricOf = (run: Run | undefined, key: string): number | undefined => run?.metrics[key]?.value;

async function evaluate(gate: GateSpec, inputs: GateInputs): Promise<{ passed: boolean; message: string }> {
  const { candidate, candidateRun, current, currentRun } = inputs;
  switch (gate.type) {
    case 'metric': {
      const { metric, operator, value } = parseMetricExpression(gate.expression);
      if (!candidateRun) return { passed: false, message: `version ${candidate.version} has no run, so no metric ${metric}` };
      const actual = metricOf(candidateRun, metric);
      if (actual === undefined) return { passed: false, message: `run ${candidateRun.runId} has no metric ${metric}` };
      const passed = compare(actual, operator, value);
      return { passed, message: `${metric} = ${actual} ${passed ? 'meets' : 'fails'} ${operator} ${value}` };
    }
    case 'beats-current': {
      if (!current) return { passed: true, message: `no version holds ${inputs.alias} yet` };
      if (current.version === candidate.version)
        return { passed: true, message: `version ${candidate.version} already holds ${inputs.alias}` };
      const mine = metricOf(candidateRun, gate.metric);
      if (mine === undefined) return { passed: false, message: `the candidate's run has no metric ${gate.metric}` };
      const theirs = metricOf(currentRun, gate.metric);
      if (theirs === undefined)
        return { passed: true, message: `the current holder (version ${current.version}) has no ${gate.metric} to beat` };
      const margin = gate.margin ?? 0;
      const lower = gate.direction === 'lower';
      const passed = lower ? mine <= theirs - margin : mine >= theirs + margin;
      const needed = lower ? `<= ${theirs - margin}` : `>= ${theirs + margin}`;
      return {
        passed,
        message: `${gate.metric} = ${mine} vs version ${current.version}'s ${theirs}: needs ${needed} (margin ${margin})`,
      };
    }
    case 'signature-compatible': {
      if (!current) return { passed: true, message: `no version holds ${inputs.alias} yet` };
      const problem = signatureIncompatibility(candidate.signature, current.signature);
      return problem
        ? { passed: false, message: `incompatible with version ${current.version}: ${problem}` }
        : { passed: true, message: `compatible with version ${current.version}` };
    }
    case 'data-validated': {
      const tag = gate.tag ?? validationTag;
      if (!candidateRun) return { passed: false, message: `version ${candidate.version} has no run to carry ${tag}` };
      const value = candidateRun.tags[tag];
      return value === 'true'
        ? { passed: true, message: `run ${candidateRun.runId} has ${tag}=true` }
        : { passed: false, message: `run ${candidateRun.runId} has ${tag}=${value ?? '(unset)'}; validate the training data first` };
    }
    case 'check': {
      const check = inputs.findCheck(gate.name);
      if (!check) return { passed: false, message: `no check named ${gate.name} is registered` };
      return check.check({
        alias: inputs.alias,
        candidate,
        candidateRun,
        current,
        currentRun,
        options: gate.options ?? {},
        ...(inputs.signal ? { signal: inputs.signal } : {}),
      });
    }
  }
}

/** The gates that guard `alias`: those without an `aliases` list, and those that list it. */
export function gatesGuarding(gates: readonly GateSpec[], alias: string): GateSpec[] {
  return gates.filter((gate) => !gate.aliases || gate.aliases.includes(alias));
}

/** Evaluates every gate that guards the alias, concurrently; a gate that throws fails with its message. */
export async function evaluateGates(gates: readonly GateSpec[], inputs: GateInputs): Promise<GateOutcome[]> {
  const guarding = gatesGuarding(gates, inputs.alias);
  return Promise.all(
    guarding.map(async (gate) => {
      try {
        const { passed, message } = await evaluate(gate, inputs);
        return { gate: gateLabel(gate), type: gate.type, passed, message };
      } catch (error) {
        const message = MlpError.isInstance(error) || error instanceof Error ? error.message : String(error);
        return { gate: gateLabel(gate), type: gate.type, passed: false, message: `the gate failed to run: ${message}` };
      }
    }),
  );
}
