#!/usr/bin/env node
// Fails on import cycles between the workspace's TypeScript files (within and across packages, a
// workspace package's import resolved through its "@mlp/source" export). Runtime cycles are listed
// apart from type-only ones: a runtime cycle can hand a module an uninitialised binding; a type-only
// one is a tangle the compiler forgives but a reader does not.
import path from 'node:path';
import { packageFiles, readImports, readPackages, resolveImport } from './import-graph.mjs';

const root = process.argv[2] ? path.resolve(process.argv[2]) : path.resolve(import.meta.dirname, '..', '..');
const packages = readPackages(root);

/** @type {Map<string, { to: string, typeOnly: boolean }[]>} */
const graph = new Map();
for (const pkg of packages)
  for (const { file } of packageFiles(pkg)) {
    const edges = new Map();
    for (const { specifier, typeOnly } of readImports(file)) {
      const target = resolveImport(file, specifier, packages);
      // A file reached by a runtime and a type-only import is a runtime edge.
      if (target) edges.set(target, (edges.get(target) ?? true) && typeOnly);
    }
    graph.set(
      file,
      [...edges].map(([to, typeOnly]) => ({ to, typeOnly })),
    );
  }

const runtime = cyclesOf((from) => (graph.get(from) ?? []).filter((edge) => !edge.typeOnly).map((edge) => edge.to));
const inRuntimeCycle = new Set(runtime.flat());
// A component of the whole graph that is more than a runtime cycle holds a type-only one: shown from a file outside the runtime cycles.
const typeOnly = cyclesOf((from) => (graph.get(from) ?? []).map((edge) => edge.to), inRuntimeCycle).filter(
  (cycle) => !cycle.every((file) => inRuntimeCycle.has(file)),
);

const show = (cycle) => cycle.map((file) => path.relative(root, file)).join(' → ');
if (runtime.length + typeOnly.length > 0) {
  if (runtime.length > 0) console.error(`runtime import cycles:\n- ${runtime.map(show).join('\n- ')}`);
  if (typeOnly.length > 0)
    console.error(`type-only import cycles (a cycle closed only by \`import type\`):\n- ${typeOnly.map(show).join('\n- ')}`);
  console.error('Move what both sides need into a module of its own.');
  process.exit(1);
}
console.log(`import cycle check: ${graph.size} files, no runtime or type-only cycles`);

/** One cycle per strongly connected component (Tarjan), as a path that returns to its start. */
function cyclesOf(next, avoid = new Set()) {
  const index = new Map();
  const low = new Map();
  const stack = [];
  const onStack = new Set();
  const components = [];
  let counter = 0;
  const connect = (node) => {
    index.set(node, counter);
    low.set(node, counter);
    counter += 1;
    stack.push(node);
    onStack.add(node);
    for (const to of next(node)) {
      if (!index.has(to)) {
        connect(to);
        low.set(node, Math.min(low.get(node), low.get(to)));
      } else if (onStack.has(to)) low.set(node, Math.min(low.get(node), index.get(to)));
    }
    if (low.get(node) !== index.get(node)) return;
    const component = [];
    let member;
    do {
      member = stack.pop();
      onStack.delete(member);
      component.push(member);
    } while (member !== node);
    if (component.length > 1 || next(node).includes(node)) components.push(component);
  };
  for (const node of graph.keys()) if (!index.has(node)) connect(node);
  return components.map((component) => cyclePath(component, next, avoid));
}

/** A shortest walk from the component's first file (outside `avoid` when it can) back to itself, inside the component. */
function cyclePath(component, next, avoid) {
  const members = new Set(component);
  const sorted = [...component].sort();
  const start = sorted.find((file) => !avoid.has(file)) ?? sorted[0];
  const previous = new Map([[start, undefined]]);
  const queue = [start];
  while (queue.length > 0) {
    const node = queue.shift();
    for (const to of next(node)) {
      if (to === start) {
        const walk = [node];
        while (previous.get(walk[0]) !== undefined) walk.unshift(previous.get(walk[0]));
        return [...walk, start];
      }
      if (members.has(to) && !previous.has(to)) {
        previous.set(to, node);
        queue.push(to);
      }
    }
  }
  return [start];
}
