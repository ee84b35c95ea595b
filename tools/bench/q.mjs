import { performance } from 'node:perf_hooks';
import { train } from '@mlp/train';
import { flightsSpec, openTracking, tempFolder } from './lib/flights-training.mjs';

const { dir } = tempFolder('q');
const { tracking, close } = await openTracking(dir);
const par = Number(process.argv[2] ?? 2);
const spec = await flightsSpec(
  {
    epochs: 6,
    earlyStopping: false,
    search: {
      sampler: 'random',
      trials: 6,
      parallel: par,
      pruner: 'none',
      metric: 'val_auc',
      direction: 'maximize',
      space: { 'optimizer.learningRate': { type: 'float', low: 0.001, high: 0.01, log: true } },
    },
  },
  { keepSearch: true },
);
const elu0 = performance.eventLoopUtilization();
const cpu0 = process.cpuUsage();
const t = performance.now();
const progress = [];
await train(spec, { tracking, outDir: dir, onProgress: (m) => progress.push([Math.round(performance.now() - t), m.slice(0, 30)]) });
const elu = performance.eventLoopUtilization(elu0);
const cpu = process.cpuUsage(cpu0);
console.log(
  JSON.stringify({
    par,
    wallMs: Math.round(performance.now() - t),
    mainElu: elu.utilization.toFixed(2),
    processCpuS: ((cpu.user + cpu.system) / 1e6).toFixed(1),
  }),
);
console.log(progress.map((p) => p.join(' ')).join('\n'));
await close();
