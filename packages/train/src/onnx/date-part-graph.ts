import type { DatePart } from '../spec/train-spec.js';
import type { OnnxNodes } from './onnx-nodes.js';

const DAY_MS = 86_400_000;

/**
 * The UTC parts of `x` (epoch milliseconds, double `[N]`) as ONNX nodes, the same values as
 * `datePart`: every intermediate is an integer well inside double's exact range, and floor division
 * of integers is exact (the fraction is at least 1/divisor, far above rounding), so the results are
 * exact. Civil date from day count: Howard Hinnant's `civil_from_days`. Returns a getter that adds
 * the nodes for a part on first use.
 */
export function datePartGraph(nodes: OnnxNodes, x: string): (part: DatePart) => string {
  const c = (value: number) => nodes.double(value);
  const add = (a: string, b: string) => nodes.op('Add', [a, b]);
  const sub = (a: string, b: string) => nodes.op('Sub', [a, b]);
  const mul = (a: string, value: number) => nodes.op('Mul', [a, c(value)]);
  const floorDiv = (a: string, value: number) => nodes.op('Floor', [nodes.op('Div', [a, c(value)])]);
  const memo = <T>(make: () => T) => {
    let value: T | undefined;
    return () => {
      value ??= make();
      return value;
    };
  };

  // A Date drops fractional milliseconds toward zero.
  const time = memo(() => nodes.op('Mul', [nodes.op('Sign', [x]), nodes.op('Floor', [nodes.op('Abs', [x])])]));
  const days = memo(() => floorDiv(time(), DAY_MS));
  const msOfDay = memo(() => sub(time(), mul(days(), DAY_MS)));
  const hour = memo(() => floorDiv(msOfDay(), 3_600_000));
  const minuteOfDay = memo(() => floorDiv(msOfDay(), 60_000));
  const civil = memo(() => {
    const z = add(days(), c(719_468));
    const era = floorDiv(z, 146_097);
    const dayOfEra = sub(z, mul(era, 146_097));
    const yearOfEra = floorDiv(
      sub(add(sub(dayOfEra, floorDiv(dayOfEra, 1460)), floorDiv(dayOfEra, 36_524)), floorDiv(dayOfEra, 146_096)),
      365,
    );
    const dayOfMarchYear = sub(dayOfEra, sub(add(mul(yearOfEra, 365), floorDiv(yearOfEra, 4)), floorDiv(yearOfEra, 100)));
    const marchMonth = floorDiv(add(mul(dayOfMarchYear, 5), c(2)), 153);
    const day = add(sub(dayOfMarchYear, floorDiv(add(mul(marchMonth, 153), c(2)), 5)), c(1));
    // January and February (march months 10 and 11) belong to the next civil year.
    const wrap = floorDiv(marchMonth, 10);
    const month = sub(add(marchMonth, c(3)), mul(wrap, 12));
    const year = add(add(yearOfEra, mul(era, 400)), wrap);
    return { day, month, year };
  });
  const dayOfYear = memo(() => {
    // Days from 0001-01-01 to 1 January of the year, minus the 719,162 days to 1970-01-01.
    const before = sub(civil().year, c(1));
    const jan1 = sub(add(sub(add(mul(before, 365), floorDiv(before, 4)), floorDiv(before, 100)), floorDiv(before, 400)), c(719_162));
    return add(sub(days(), jan1), c(1));
  });

  return (part) => {
    switch (part) {
      case 'year':
        return civil().year;
      case 'month':
        return civil().month;
      case 'day':
        return civil().day;
      case 'dayOfWeek': {
        // 1970-01-01 was a Thursday (4).
        const shifted = add(days(), c(4));
        return sub(shifted, mul(floorDiv(shifted, 7), 7));
      }
      case 'dayOfYear':
        return dayOfYear();
      case 'hour':
        return hour();
      case 'minute':
        return sub(minuteOfDay(), mul(hour(), 60));
      case 'minuteOfDay':
        return minuteOfDay();
    }
  };
}
