// A TypeDoc plugin: each module of the API reference is named after the import path a user writes
// (`@mlp/core/s3`), not its file. The names come from module-names.json beside the options file
// (written by api-reference.ts in TypeDoc's working folder).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Converter, ReflectionKind } from 'typedoc';

export function load(app) {
  const names = new Map(
    Object.entries(JSON.parse(readFileSync(path.join(process.cwd(), 'module-names.json'), 'utf8'))).map(([file, name]) => [
      path.resolve(file),
      name,
    ]),
  );
  app.converter.on(Converter.EVENT_CREATE_DECLARATION, (context, reflection) => {
    if (!reflection.kindOf(ReflectionKind.Module)) return;
    // Sources are not recorded (disableSources): the module's symbol names its file.
    const file = context.getSymbolFromReflection(reflection)?.declarations?.[0]?.getSourceFile().fileName;
    const name = file ? names.get(path.resolve(file)) : undefined;
    if (name) reflection.name = name;
  });
}
