// Internal links of Markdown files: every relative path must exist and every #anchor must name a heading
// of its target, with GitHub's anchor rules (lower case, punctuation dropped, spaces to hyphens, -1, -2
// for repeats). Links inside code (fenced blocks, `inline`) are not links.
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

export interface BrokenLink {
  file: string;
  line: number;
  target: string;
  reason: string;
}

/** The text of a Markdown file outside fenced code blocks, line numbers kept (fenced lines blanked). */
function prose(text: string): string[] {
  let fence: string | undefined;
  return text.split('\n').map((line) => {
    const marker = /^\s*(```+|~~~+)/.exec(line)?.[1];
    if (marker && (fence === undefined || marker.startsWith(fence))) {
      fence = fence === undefined ? marker : undefined;
      return '';
    }
    return fence === undefined ? line.replace(/`[^`]*`/g, (code) => ' '.repeat(code.length)) : '';
  });
}

export function githubSlug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/<[^>]+>/g, '')
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

const anchorCache = new Map<string, Set<string>>();

export function anchorsOf(file: string): Set<string> {
  const cached = anchorCache.get(file);
  if (cached) return cached;
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  let fence = false;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (/^\s*(```|~~~)/.test(line)) fence = !fence;
    const heading = fence ? undefined : /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line)?.[1];
    if (heading === undefined) continue;
    // Inline code keeps its text in the anchor; links keep their text.
    const base = githubSlug(heading.replace(/`/g, '').replace(/\[([^\]]*)\]\([^)]*\)/g, '$1'));
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    anchors.add(count === 0 ? base : `${base}-${count}`);
  }
  for (const match of readFileSync(file, 'utf8').matchAll(/<a\s+(?:name|id)="([^"]+)"/g)) anchors.add(match[1] as string);
  anchorCache.set(file, anchors);
  return anchors;
}

export function brokenLinks(file: string, root: string): BrokenLink[] {
  const broken: BrokenLink[] = [];
  const lines = prose(readFileSync(file, 'utf8'));
  const where = path.relative(root, file);
  for (const [index, line] of lines.entries()) {
    for (const match of line.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) {
      const target = match[1] as string;
      if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // http:, https:, mailto:
      const [rawPath = '', anchor] = target.split('#', 2);
      const resolved = rawPath === '' ? file : path.resolve(path.dirname(file), decodeURIComponent(rawPath));
      const report = (reason: string) => broken.push({ file: where, line: index + 1, target, reason });
      if (!resolved.startsWith(root)) {
        report('points outside the repository');
        continue;
      }
      if (!existsSync(resolved)) {
        report(`${path.relative(root, resolved)} does not exist`);
        continue;
      }
      if (anchor === undefined || anchor === '') continue;
      if (statSync(resolved).isDirectory() || !resolved.endsWith('.md')) {
        report('an #anchor on a file that is not Markdown');
        continue;
      }
      if (!anchorsOf(resolved).has(decodeURIComponent(anchor).toLowerCase())) {
        report(`${path.relative(root, resolved)} has no heading #${anchor}`);
      }
    }
  }
  return broken;
}
