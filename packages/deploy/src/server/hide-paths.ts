import { homedir, tmpdir } from 'node:os';
import path from 'node:path';

/**
 * A redactor for what the server says over HTTP (error answers, a failed model's reason): the
 * folders of this machine it may mention (the working folder, temporary folders where packages are
 * unpacked and downloaded, the workspace, the home folder) become `<server>`, so clients learn no
 * server paths.
 */
export function pathHider(extraFolders: readonly string[] = []): (message: string) => string {
  const folders = [process.cwd(), tmpdir(), homedir(), ...extraFolders]
    .filter((folder) => folder.length > 1)
    .map((folder) => path.resolve(folder))
    .sort((a, b) => b.length - a.length);
  return (message) => {
    let text = message;
    for (const folder of folders) text = text.split(folder).join('<server>');
    return text;
  };
}
