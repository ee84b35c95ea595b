import type { PredictionLogReader } from '@mlp/core';
import { DatasetProfile } from '../profile/dataset-profile.js';
import { type LabelledRowsOptions, labelledPredictionRows } from './labelled-rows.js';

export interface LabelledWindowOptions extends LabelledRowsOptions {
  /** The reference profile whose columns and bins the window takes (it should hold the target column). */
  reference: DatasetProfile;
  /** The column the labels are folded into (`target`, the drift result's default target column). */
  targetColumn?: string;
}

/**
 * A window profile of the prediction log over [from, to) with each row's label, where one has arrived,
 * folded into `targetColumn` beside the inputs and outputs: `detectProfileDrift(reference, window)` then
 * names the target drift (and the prediction drift) in its result. Rows are not kept. Rows without a
 * label count as nulls of the target column.
 */
export async function labelledWindowProfile(reader: PredictionLogReader, options: LabelledWindowOptions): Promise<DatasetProfile> {
  const { reference, targetColumn = 'target', ...join } = options;
  const window = DatasetProfile.windowOf(reference);
  for await (const { row, label } of labelledPredictionRows(reader, join)) {
    window.addRow({ ...row, [targetColumn]: label === undefined ? null : label });
  }
  return window;
}
