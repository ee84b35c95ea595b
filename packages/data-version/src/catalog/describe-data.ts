import { stat } from 'node:fs/promises';
import { MlpError } from '@mlp/core';
import { tabularFormatOf } from '@mlp/core/tabular';
import { summarizeTable } from '../readers/schema-summary.js';
import type { TabularFormat, TabularSchema } from './catalog-model.js';

export interface DescribedData {
  format: TabularFormat | null;
  schema: TabularSchema | null;
}

/**
 * The format and schema summary of a file, when its name says it is tabular; nulls for folders and
 * other files. A tabular file that does not parse is an error: registering it would record a lie.
 */
export async function describeData(file: string, format?: TabularFormat): Promise<DescribedData> {
  const info = await stat(file).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') throw new MlpError('NOT_FOUND', `Cannot version ${file}: it does not exist. Check the path.`);
    throw new MlpError('PERMISSION_DENIED', `Cannot version ${file}: ${error.message}.`, { cause: error });
  });
  const tabular = format ?? (info.isFile() ? tabularFormatOf(file) : undefined);
  if (!tabular || !info.isFile()) return { format: null, schema: null };
  return { format: tabular, schema: await summarizeTable(file, tabular) };
}
