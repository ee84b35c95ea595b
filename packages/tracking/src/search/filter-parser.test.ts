import { MlpError } from '@mlp/core';
import { describe, expect, it } from 'vitest';
import { parseFilter } from './filter-parser.js';
import type { FilterClause } from './search-types.js';

function errorOf(run: () => unknown): MlpError {
  try {
    run();
  } catch (error) {
    if (MlpError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected an MlpError, but nothing was thrown');
}

describe('parseFilter: valid filters', () => {
  // From MLflow's tests/utils/test_search_utils.py (test_filter, test_correct_quote_trimming) and its docs.
  const cases: [string, FilterClause[]][] = [
    ['', []],
    ['   \n\t ', []],
    ['metric.acc >= 0.94', [{ type: 'metric', key: 'acc', comparator: '>=', value: 0.94 }]],
    ['metric.acc>=100', [{ type: 'metric', key: 'acc', comparator: '>=', value: 100 }]],
    ["params.m!='tf'", [{ type: 'param', key: 'm', comparator: '!=', value: 'tf' }]],
    ['params."m"!="tf"', [{ type: 'param', key: 'm', comparator: '!=', value: 'tf' }]],
    ['metric."legit name" >= 0.243', [{ type: 'metric', key: 'legit name', comparator: '>=', value: 0.243 }]],
    ['metrics.XYZ = 3', [{ type: 'metric', key: 'XYZ', comparator: '=', value: 3 }]],
    ['params."cat dog" = "pets"', [{ type: 'param', key: 'cat dog', comparator: '=', value: 'pets' }]],
    ['metrics."X-Y-Z" = 3', [{ type: 'metric', key: 'X-Y-Z', comparator: '=', value: 3 }]],
    ['metrics."X//Y#$$@&Z" = 3', [{ type: 'metric', key: 'X//Y#$$@&Z', comparator: '=', value: 3 }]],
    ["params.model = 'LinearRegression'", [{ type: 'param', key: 'model', comparator: '=', value: 'LinearRegression' }]],
    [
      "metrics.rmse < 1 and params.model_class = 'LR'",
      [
        { type: 'metric', key: 'rmse', comparator: '<', value: 1 },
        { type: 'param', key: 'model_class', comparator: '=', value: 'LR' },
      ],
    ],
    ['`metric`.a >= 0.1', [{ type: 'metric', key: 'a', comparator: '>=', value: 0.1 }]],
    ["tags.version = 'commit-hash'", [{ type: 'tag', key: 'version', comparator: '=', value: 'commit-hash' }]],
    ["`tags`.source_name = 'a notebook'", [{ type: 'tag', key: 'source_name', comparator: '=', value: 'a notebook' }]],
    ['metrics."accuracy.2.0" > 5', [{ type: 'metric', key: 'accuracy.2.0', comparator: '>', value: 5 }]],
    ['metrics.`spacey name` > 5', [{ type: 'metric', key: 'spacey name', comparator: '>', value: 5 }]],
    ['params."p.a.r.a.m" != "a"', [{ type: 'param', key: 'p.a.r.a.m', comparator: '!=', value: 'a' }]],
    ['tags."t.a.g" = "a"', [{ type: 'tag', key: 't.a.g', comparator: '=', value: 'a' }]],
    ["attribute.artifact_uri = '1/23/4'", [{ type: 'attribute', key: 'artifact_uri', comparator: '=', value: '1/23/4' }]],
    ['attribute.start_time >= 1234', [{ type: 'attribute', key: 'start_time', comparator: '>=', value: 1234 }]],
    ["run.status = 'RUNNING'", [{ type: 'attribute', key: 'status', comparator: '=', value: 'RUNNING' }]],
    ['tags.version IS NULL', [{ type: 'tag', key: 'version', comparator: 'IS NULL' }]],
    ['tags.version IS NOT NULL', [{ type: 'tag', key: 'version', comparator: 'IS NOT NULL' }]],
    ['params.lr IS NULL', [{ type: 'param', key: 'lr', comparator: 'IS NULL' }]],
    ['params.lr IS NOT NULL', [{ type: 'param', key: 'lr', comparator: 'IS NOT NULL' }]],
    [
      "tags.a IS NULL AND params.b = 'val'",
      [
        { type: 'tag', key: 'a', comparator: 'IS NULL' },
        { type: 'param', key: 'b', comparator: '=', value: 'val' },
      ],
    ],
    ["params.m = 'LR'", [{ type: 'param', key: 'm', comparator: '=', value: 'LR' }]],
    ['params.m = "LR"', [{ type: 'param', key: 'm', comparator: '=', value: 'LR' }]],
    [`params.m = "L'Hosp"`, [{ type: 'param', key: 'm', comparator: '=', value: "L'Hosp" }]],
    // MLflow's docs.
    ['attributes.created > 1670628787527', [{ type: 'attribute', key: 'start_time', comparator: '>', value: 1670628787527 }]],
    ['attributes.Created > 1670628787527', [{ type: 'attribute', key: 'start_time', comparator: '>', value: 1670628787527 }]],
    ['metrics.`f1 score` > 0.5', [{ type: 'metric', key: 'f1 score', comparator: '>', value: 0.5 }]],
    ["tags.`mlflow.user` = ''", [{ type: 'tag', key: 'mlflow.user', comparator: '=', value: '' }]],
    ["tags.`model` LIKE 'sklearn%'", [{ type: 'tag', key: 'model', comparator: 'LIKE', value: 'sklearn%' }]],
    ["tags.`type` ILIKE '%Logistic%'", [{ type: 'tag', key: 'type', comparator: 'ILIKE', value: '%Logistic%' }]],
    ['attributes.`run_name` ILIKE "%alpha%"', [{ type: 'attribute', key: 'run_name', comparator: 'ILIKE', value: '%alpha%' }]],
    ['attributes.`run name` ILIKE "%alpha%"', [{ type: 'attribute', key: 'run_name', comparator: 'ILIKE', value: '%alpha%' }]],
    ['attributes.`Run Name` = "a"', [{ type: 'attribute', key: 'run_name', comparator: '=', value: 'a' }]],
    ['`Run name` = "a"', [{ type: 'attribute', key: 'run_name', comparator: '=', value: 'a' }]],
    [
      'params.alpha = "0.3" and params.lambda = "0.001" and metrics.error <= 0.05',
      [
        { type: 'param', key: 'alpha', comparator: '=', value: '0.3' },
        { type: 'param', key: 'lambda', comparator: '=', value: '0.001' },
        { type: 'metric', key: 'error', comparator: '<=', value: 0.05 },
      ],
    ],
    ["attributes.run_id IN ('a1', 'b2')", [{ type: 'attribute', key: 'run_id', comparator: 'IN', value: ['a1', 'b2'] }]],
    ["datasets.name = 'flights'", [{ type: 'dataset', key: 'name', comparator: '=', value: 'flights' }]],
    ["dataset.digest IN ('ab12', 'cd34')", [{ type: 'dataset', key: 'digest', comparator: 'IN', value: ['ab12', 'cd34'] }]],
    ["datasets.context ILIKE 'train%'", [{ type: 'dataset', key: 'context', comparator: 'ILIKE', value: 'train%' }]],
    ["run_id NOT IN ('a1')", [{ type: 'attribute', key: 'run_id', comparator: 'NOT IN', value: ['a1'] }]],
    ["attr.user_id = 'me'", [{ type: 'attribute', key: 'user_id', comparator: '=', value: 'me' }]],
    ["status != 'FAILED'", [{ type: 'attribute', key: 'status', comparator: '!=', value: 'FAILED' }]],
    ['end_time < 5', [{ type: 'attribute', key: 'end_time', comparator: '<', value: 5 }]],
    // Keys with dots, as MLflow splits on the first dot only.
    ["tags.mlflow.runName = 'best'", [{ type: 'tag', key: 'mlflow.runName', comparator: '=', value: 'best' }]],
    ["tags.v1.2 = 'x'", [{ type: 'tag', key: 'v1.2', comparator: '=', value: 'x' }]],
    [
      "parameter.lr = '1' and parameters.lr2 = '2'",
      [
        { type: 'param', key: 'lr', comparator: '=', value: '1' },
        { type: 'param', key: 'lr2', comparator: '=', value: '2' },
      ],
    ],
    ["params.学习率 = '0.1'", [{ type: 'param', key: '学习率', comparator: '=', value: '0.1' }]],
    // Keywords are case-insensitive; a key may be spelled like one.
    [
      "metrics.a > 1 AnD params.b like 'x%' and params.c iLiKe 'y' and run_id not in ('z') and tags.t is NOT null and params.and = 'in'",
      [
        { type: 'metric', key: 'a', comparator: '>', value: 1 },
        { type: 'param', key: 'b', comparator: 'LIKE', value: 'x%' },
        { type: 'param', key: 'c', comparator: 'ILIKE', value: 'y' },
        { type: 'attribute', key: 'run_id', comparator: 'NOT IN', value: ['z'] },
        { type: 'tag', key: 't', comparator: 'IS NOT NULL' },
        { type: 'param', key: 'and', comparator: '=', value: 'in' },
      ],
    ],
    [
      "metrics.a > 1\n\tand\r\nparams.b = 'x'",
      [
        { type: 'metric', key: 'a', comparator: '>', value: 1 },
        { type: 'param', key: 'b', comparator: '=', value: 'x' },
      ],
    ],
  ];

  it.each(cases)('%s', (filter, expected) => {
    expect(parseFilter(filter)).toEqual(expected);
  });

  it.each([
    ['-1', -1],
    ['.5', 0.5],
    ['1.', 1],
    ['-0.25', -0.25],
    ['1e3', 1000],
    ['-2.5E-3', -0.0025],
    ['1E+2', 100],
    ['007', 7],
  ])('reads the number %s', (literal, value) => {
    expect(parseFilter(`metrics.a > ${literal}`)).toEqual([{ type: 'metric', key: 'a', comparator: '>', value }]);
    expect(parseFilter(`metrics.a>${literal}`)).toEqual([{ type: 'metric', key: 'a', comparator: '>', value }]);
  });

  it.each([
    ["'it''s'", "it's"],
    ["'it\\'s'", "it's"],
    ['"say ""hi"""', 'say "hi"'],
    ['"say \\"hi\\""', 'say "hi"'],
    ["'a\\_b%'", 'a\\_b%'],
    ["'C:\\\\'", 'C:\\\\'],
    ['"it\'\'s"', "it''s"],
  ])('unescapes the string %s', (literal, value) => {
    expect(parseFilter(`params.p = ${literal}`)).toEqual([{ type: 'param', key: 'p', comparator: '=', value }]);
  });

  it('reads a doubled backtick inside a backticked key', () => {
    expect(parseFilter("params.`a``b` = 'x'")).toEqual([{ type: 'param', key: 'a`b', comparator: '=', value: 'x' }]);
  });
});

describe('parseFilter: invalid filters report where', () => {
  const cases: [string, number, string][] = [
    ['metrics.rmse rmse2', 13, "expected a comparator (=, !=, >, >=, <, <=, LIKE, ILIKE, IN) after metrics.rmse, found 'rmse2'"],
    ["metrics.A > 0.1 OR params.B = 'LR'", 16, "OR is not supported: MLflow's search syntax joins conditions with AND only"],
    ["params.a = 'x' or params.b = 'y'", 15, 'OR is not supported'],
    ['metric.acc >= 0.94; metrics.rmse < 1', 18, "unexpected ';'"],
    ['m.acc >= 0.94', 0, "unknown entity type 'm'"],
    ['Metrics.acc >= 0.94', 0, "unknown entity type 'Metrics'"],
    ['attri.x != 1', 0, "unknown entity type 'attri'"],
    [
      'acc >= 0.94',
      0,
      "unknown attribute 'acc': valid attributes are run_id, run_name, status, user_id, artifact_uri, start_time, end_time",
    ],
    ["metrics.A > 0.1 NAND params.B = 'LR'", 16, "expected AND or the end of the filter after 'metrics.A > 0.1', found 'NAND'"],
    ["metrics.A > 0.1 AND (params.B = 'LR')", 20, 'parentheses are not supported'],
    ['`metrics.A > 0.1', 0, 'unterminated backticked name'],
    ['param`.A > 0.1', 5, 'unterminated backticked name'],
    ['attribute.start != 1', 10, "unknown attribute 'start'"],
    ['attribute.experiment_id != 1', 10, "unknown attribute 'experiment_id'"],
    ["attribute.lifecycle_stage = 'ACTIVE'", 10, "unknown attribute 'lifecycle_stage'"],
    ['attribute.status = true', 19, "expected a quoted string to compare with the string attribute attribute.status, found 'true'"],
    ["datasets.size = 'x'", 9, "unknown dataset field 'size': use datasets.name, .digest or .context"],
    ["datasets.digest > 'x'", 16, '> cannot compare the dataset datasets.digest: strings compare with =, !=, LIKE, ILIKE, IN, NOT IN'],
    ['metrics.acc IS NULL', 12, 'IS NULL / IS NOT NULL is only supported for tags and params'],
    ['attribute.status IS NULL', 17, 'IS NULL / IS NOT NULL is only supported for tags and params'],
    ["metric.model = 'LR'", 15, "expected a number to compare with the metric metric.model, found the string 'LR'"],
    ["metric.model = '5'", 15, 'expected a number'],
    ['params.acc = 5', 13, 'expected a quoted string to compare with the param params.acc, found the number 5'],
    ['tags.acc = 5', 11, 'expected a quoted string to compare with the tag tags.acc'],
    ['metrics.acc != metrics.acc', 15, "expected a number to compare with the metric metrics.acc, found 'metrics'"],
    ['1.0 > metrics.acc', 0, 'expected an identifier such as metrics.<key>, params.<key>, tags.<key> or attributes.<name>'],
    ['attribute.status = 1', 19, 'expected a quoted string'],
    ['params.acc = `LR`', 13, 'backticks quote keys'],
    ["params.'acc = LR", 7, 'unterminated string'],
    ["params.acc = 'LR", 13, 'unterminated string'],
    ["params.acc = LR'", 15, 'unterminated string'],
    [`params.acc = "LR'`, 13, 'unterminated string'],
    ["tags.acc = = 'LR'", 11, "expected a quoted string to compare with the tag tags.acc, found '='"],
    ["attribute.status IS 'RUNNING'", 20, "expected NULL after IS, found ''RUNNING''"],
    ['params.acc LR !=', 11, "expected a comparator (=, !=, >, >=, <, <=, LIKE, ILIKE, IN) after params.acc, found 'LR'"],
    ['metric.acc !=', 13, 'expected a number to compare with the metric metric.acc, found the end of the filter'],
    ['1=1', 0, 'expected an identifier'],
    ['1==2', 0, 'expected an identifier'],
    [
      'metrics.rmse > 1 and',
      20,
      'expected an identifier such as metrics.<key>, params.<key>, tags.<key> or attributes.<name>, found the end of the filter',
    ],
    ['metrics.rmse == 1', 13, "'==' is not a comparator here: use ="],
    ['metrics.rmse <> 1', 13, "'<>' is not a comparator here: use !="],
    ["params.p NOT LIKE 'x'", 13, "expected IN after NOT (the only negated comparator is NOT IN), found 'LIKE'"],
    ["params.p LIKE 'x' and params.q IS NOT 'y'", 38, 'expected NULL after IS NOT'],
    [
      "attributes.status IN ('a')",
      18,
      'only attributes.run_id can be compared with a list (IN), and datasets.name, .digest, .context; not the string attribute attributes.status',
    ],
    [
      "params.p NOT IN ('a')",
      9,
      'only attributes.run_id can be compared with a list (NOT IN), and datasets.name, .digest, .context; not the param params.p',
    ],
    ['run_id IN ()', 11, 'the list after IN is empty'],
    ["run_id IN ('a', 5)", 16, 'expected a quoted string in the list after IN, found the number 5'],
    ["run_id IN ('a' 'b')", 15, "expected ',' or ')' in the list after IN, found ''b''"],
    ["run_id IN ('a',)", 15, "expected a quoted string in the list after IN, found ')'"],
    ["run_id IN 'a'", 10, 'expected a parenthesised list of quoted strings after run_id IN'],
    ["start_time LIKE '5'", 11, 'LIKE cannot compare the numeric attribute start_time: numbers compare with =, !=, >, >=, <, <='],
    ["metrics.rmse LIKE '5'", 13, 'LIKE cannot compare the metric metrics.rmse'],
    ["params.lr > '0.1'", 10, '> cannot compare the param params.lr: strings compare with =, !=, LIKE, ILIKE, IS NULL, IS NOT NULL'],
    ["status <= 'a'", 7, '<= cannot compare the string attribute status'],
    ['metrics. rmse > 1', 8, "expected a key right after 'metrics.', found 'rmse'"],
    ['metrics. > 1', 8, "expected a key right after 'metrics.', found '>'"],
    ['metrics.', 8, "expected a key after 'metrics.', found the end of the filter"],
    ['metrics.X-Y > 1', 9, "unexpected character '-'"],
    [`tags."a".b = 'x'`, 8, 'a quoted key must be the whole key'],
    ["tags.'a' = 'x'", 5, 'quote keys with double quotes or backticks'],
    ['metrics."" > 1', 8, "the key after 'metrics.' is empty"],
    ['metrics.a > 1e999', 12, 'the number 1e999 is out of range'],
    ['metrics.a > 12abc', 12, "invalid number '12abc'"],
    ['metrics.a > 1.2.3', 12, "invalid number '1.2'"],
    ["tags.mlflow. runName = 'x'", 12, "expected the rest of the key after 'mlflow.', found 'runName'"],
    [
      "params.a = 'x' and and params.b = 'y'",
      19,
      "expected an identifier such as metrics.<key>, params.<key>, tags.<key> or attributes.<name>, found 'and'",
    ],
    ["params.a = 'x' and", 18, 'found the end of the filter'],
    ['metrics.a > 1 metrics.b > 2', 14, "expected AND or the end of the filter after 'metrics.a > 1', found 'metrics'"],
  ];

  it.each(cases)('%s → position %i', (filter, position, message) => {
    const error = errorOf(() => parseFilter(filter));
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.details).toEqual({ position });
    expect(error.message.startsWith(`Invalid filter at position ${position}: `)).toBe(true);
    expect(error.message).toContain(message);
  });

  it('shows a caret under the position', () => {
    const error = errorOf(() => parseFilter('metrics.rmse rmse2'));
    expect(error.message).toBe(
      "Invalid filter at position 13: expected a comparator (=, !=, >, >=, <, <=, LIKE, ILIKE, IN) after metrics.rmse, found 'rmse2'\n" +
        '  metrics.rmse rmse2\n' +
        '               ^',
    );
  });

  it('lists the valid attributes and hints at prefixes for a bare unknown name', () => {
    const error = errorOf(() => parseFilter('rmse < 1'));
    expect(error.message).toContain('valid attributes are run_id, run_name, status, user_id, artifact_uri, start_time, end_time');
    expect(error.message).toContain('write metrics.rmse, params.rmse or tags.rmse');
  });

  it('lists the valid prefixes for an unknown one', () => {
    expect(errorOf(() => parseFilter('metricz.a > 1')).message).toContain('use metrics, params, tags, attributes');
  });

  it('rejects what is not a string', () => {
    const error = errorOf(() => parseFilter(42 as unknown as string));
    expect(error.code).toBe('INVALID_ARGUMENT');
  });
});
