// The README's campaign-configuration example is a valid config, and the config schema's comments name only files
// that exist (a reader follows them).
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SynclineConfig } from '../core/config.js';

const root = new URL('../', import.meta.url);
const read = (path: string) => readFileSync(new URL(path, root), 'utf8');

describe('the campaign configuration as documented', () => {
  it("parses the README's example config with the schema the stack loads, survey, jobs and mapping included", () => {
    const readme = read('README.md');
    const section = readme.slice(readme.indexOf('## Campaign configuration'));
    const example = /```json\n([\s\S]*?)\n```/.exec(section)?.[1];
    expect(example, 'a json block in the section').toBeDefined();
    const config = SynclineConfig.parse(JSON.parse(example!));
    const campaigns = config.tenants[0]!.campaigns;
    expect(campaigns.survey.enabled).toBe(true);
    expect(campaigns.nextJob.jobs.map((j) => j.id)).toEqual(['bathroom', 'painting']);
    expect(campaigns.fieldMapping.klaviyo?.fields).toEqual({ nextJob: 'next_job', rfm: null });
  });

  it('names in the config schema only files that exist', () => {
    for (const schema of ['core/config.ts', 'core/campaign/config.ts', 'core/campaign/survey/survey-config.ts', 'core/identity/rules.ts']) {
      const paths = read(schema).match(/\b(?:core|pipeline|connectors|docs|lambdas|local|aws)\/[A-Za-z0-9_./-]+\.(?:ts|md|json)\b/g) ?? [];
      for (const path of paths) expect(existsSync(new URL(path, root)), `${schema} names ${path}`).toBe(true);
    }
  });
});
