// Loads search.js's engine and a built search-index.js into one sandbox, as a browser would.
import fs from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const repo = path.resolve(here, '../..');

export function load(indexPath = process.env.FAQSITE_SEARCH_INDEX || path.join(repo, 'public/search-index.js')) {
  const window = {};
  const ctx = vm.createContext({ window });
  vm.runInContext(fs.readFileSync(indexPath, 'utf8'), ctx, { filename: indexPath });
  const engineFile = path.join(repo, 'themes/default/static/search.js');
  vm.runInContext(fs.readFileSync(engineFile, 'utf8'), ctx, { filename: engineFile });
  const api = window.FAQSITE_SEARCH_ENGINE;
  return { api, data: window.FAQSITE_SEARCH, engine: new api.Engine(window.FAQSITE_SEARCH) };
}
