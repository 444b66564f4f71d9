import { watch, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';

/**
 * Calls `onChange` (debounced) when any of `files` changes. Directories are watched rather than the
 * files, because renewals usually *replace* files (certbot writes new ones and moves symlinks;
 * Kubernetes swaps a `..data` symlink), which a watch on the old file would miss.
 * Returns a function that stops watching.
 */
export function watchFiles(files: readonly string[], onChange: () => void, debounceMs = 250): () => void {
  const names = new Set(files.map((file) => basename(file)));
  let timer: NodeJS.Timeout | undefined;
  const changed = (_event: string, filename: string | Buffer | null) => {
    // Some platforms give no file name; a change next to the certificate may be it, so reload.
    if (filename !== null && !names.has(String(filename)) && !String(filename).startsWith('..')) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(onChange, debounceMs);
    timer.unref();
  };
  const watchers: FSWatcher[] = [...new Set(files.map((file) => dirname(file)))].map((dir) => {
    const watcher = watch(dir, { persistent: false }, changed);
    watcher.on('error', () => {}); // a vanished directory: the next reload attempt reports it
    return watcher;
  });
  return () => {
    if (timer) clearTimeout(timer);
    for (const watcher of watchers) watcher.close();
  };
}
