import type { RefObject } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface ChartSeries {
  label: string;
  x: number[];
  y: (number | null)[];
}

const palette = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];

/** Joins series with different x values onto one sorted x axis (uPlot's aligned data). */
function align(series: ChartSeries[]): uPlot.AlignedData {
  if (series.length === 1) return [series[0]!.x, series[0]!.y];
  const xs = [...new Set(series.flatMap((s) => s.x))].sort((a, b) => a - b);
  const at = new Map(xs.map((x, i) => [x, i]));
  return [
    xs,
    ...series.map((s) => {
      const ys: (number | null)[] = new Array(xs.length).fill(null);
      s.x.forEach((x, i) => {
        ys[at.get(x)!] = s.y[i] ?? null;
      });
      return ys;
    }),
  ];
}

/** Becomes true once the element scrolls into view (and stays true): charts and their data wait for it. */
export function useVisible(ref: RefObject<HTMLElement>): boolean {
  const [visible, setVisible] = useState(false);
  useEffect(() => {
    const el = ref.current;
    if (!el || visible) return;
    const observer = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting)) {
        setVisible(true);
        observer.disconnect();
      }
    });
    observer.observe(el);
    return () => observer.disconnect();
  }, [visible]);
  return visible;
}

/** A uPlot line (or points) chart, created only once it scrolls into view. */
export function Chart(props: { title: string; series: ChartSeries[]; log?: boolean; time?: boolean; points?: boolean; height?: number }) {
  const box = useRef<HTMLDivElement>(null);
  const visible = useVisible(box);
  useEffect(() => {
    const el = box.current;
    if (!el || !visible) return;
    const width = Math.max(200, el.clientWidth);
    const plot = new uPlot(
      {
        title: props.title,
        width,
        height: props.height ?? 240,
        scales: { x: { time: Boolean(props.time) }, y: props.log ? { distr: 3 } : {} },
        legend: { show: props.series.length <= 10 },
        series: [
          {},
          ...props.series.map((s, i) => ({
            label: s.label,
            stroke: palette[i % palette.length],
            width: 1,
            spanGaps: true,
            ...(props.points
              ? { paths: () => null, points: { show: true, size: 6, fill: palette[i % palette.length] } }
              : // A line of a point or two draws nothing: show its points then.
                { points: { show: s.x.length <= 2, size: 6 } }),
          })),
        ],
      },
      align(props.series),
      el,
    );
    return () => plot.destroy();
  }, [visible, props.series, props.log, props.time, props.points]);
  return <div class="chart" ref={box} data-chart={props.title} style={{ minHeight: `${(props.height ?? 240) + 40}px` }} />;
}
